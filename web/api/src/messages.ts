// What a screen says when a request fails: the API's own Chinese message, or one for the kind of
// failure. An answer with our `code` comes from the platform and says what happened; a 429
// without it is API Gateway's throttle (the request never reached the platform).

/** Whether an error answer is the platform's own (`{code, message}`), not a gateway's or a proxy's. */
export function isPlatformAnswer(error: unknown): boolean {
  return !!error && typeof error === "object" && typeof (error as { code?: unknown }).code === "string";
}

/** The Chinese message to show for an error answer (with its HTTP status, when known), a network failure or anything else. */
export function toMessage(error: unknown, status?: number): string {
  if (error && typeof error === "object" && "message" in error) {
    const message = (error as { message: unknown }).message;
    if (typeof message === "string" && /[\u4e00-\u9fff]/.test(message)) return message;
  }
  if (error instanceof TypeError) return "网络连接失败,请检查网络后重试";
  if (status === 429) return "当前访问人数较多,请稍后再试";
  if (status !== undefined && status >= 500) return "系统繁忙,请稍后再试";
  return "操作失败,请稍后重试";
}
