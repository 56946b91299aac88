// Saving downloads in the browser: a file the API answers (named by its Content-Disposition, or a
// message why not), or one built here (the joined CSV).
import { toMessage } from "@suishoupai/api";
import { fileName } from "./rules/download";

/** What the typed client answers for a request read as a Blob. */
interface BlobAnswer {
  data?: Blob;
  error?: unknown;
  response: Response;
}

/** Saves the answer's file under the name the API gives (else `fallback`); shows the API's message when there is none. */
export async function saveAnswer(answer: Promise<BlobAnswer>, fallback: string): Promise<void> {
  const { data, error, response } = await answer;
  if (!data) {
    ElMessage.error(toMessage(error));
    return;
  }
  saveBlob(data, fileName(response.headers.get("content-disposition")) ?? fallback);
}

/** Saves a downloaded file under `name`, as the browser saves a link's download. */
export function saveBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}
