// What a screen says when a request fails: the API's own Chinese message, or one for the kind of failure.

/** The Chinese message to show for an error answer, a network failure or anything else. */
export function toMessage(error: unknown): string {
  if (error && typeof error === "object" && "message" in error) {
    const message = (error as { message: unknown }).message;
    if (typeof message === "string" && /[\u4e00-\u9fff]/.test(message)) return message;
  }
  if (error instanceof TypeError) return "网络连接失败,请检查网络后重试";
  return "操作失败,请稍后重试";
}
