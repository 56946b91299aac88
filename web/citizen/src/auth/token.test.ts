import { beforeEach, describe, expect, it } from "vitest";
import { currentToken, expiryOf, storeToken, takeHandoff } from "./token";

const jwt = (exp: number) => `h.${btoa(JSON.stringify({ sub: "c", exp })).replace(/=+$/, "")}.s`;

describe("the host app's token handoff", () => {
  beforeEach(() => sessionStorage.clear());

  it("takes the token out of the fragment and leaves the route", () => {
    expect(takeHandoff("https://h5.example/h5/#/home?access_token=abc.def.ghi")).toEqual({
      token: "abc.def.ghi",
      cleaned: "https://h5.example/h5/#/home",
    });
    expect(takeHandoff("https://h5.example/h5/#access_token=abc")).toEqual({ token: "abc", cleaned: "https://h5.example/h5/" });
    expect(takeHandoff("https://h5.example/h5/#/board").token).toBeNull();
  });

  it("forgets an expired token", () => {
    const now = 1_800_000_000;
    expect(expiryOf(jwt(now + 60))).toBe(now + 60);
    storeToken(sessionStorage, jwt(now + 60));
    expect(currentToken(sessionStorage, now)).not.toBeNull();
    expect(currentToken(sessionStorage, now + 120)).toBeNull();
    expect(sessionStorage.length).toBe(0);
  });
});
