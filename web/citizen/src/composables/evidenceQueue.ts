// The citizen's evidence queue as every form uses it (线索上报, 补充材料): one presigned upload asked
// of the API per chosen file, then sent straight to S3 with its progress.
import { toMessage, type Schemas } from "@suishoupai/api";
import { api } from "../api";
import { createUploadQueue, sendWithXhr } from "./uploadQueue";

type UploadRequest = Schemas["UploadRequest"];

export function createEvidenceQueue() {
  return createUploadQueue({
    async requestSlot(kind, file) {
      const { data, error, response } = await api().POST("/v1/uploads", {
        // The type was checked against /v1/meta's list for this kind before the upload was asked for.
        body: { kind, files: [{ content_type: file.type, size: file.size }] } as UploadRequest,
      });
      if (!data?.uploads[0]) throw new Error(toMessage(error, response.status));
      return data.uploads[0];
    },
    send: sendWithXhr,
  });
}
