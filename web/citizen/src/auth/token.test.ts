import { beforeEach, describe, expect, it } from "vitest";
import { acceptHandoff, currentToken, expiryOf, personOf, storeToken, takeHandoff } from "./token";

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
    // The route's other query kept; the token in the query before the fragment taken too.
    expect(takeHandoff("https://h5.example/h5/#/board?access_token=abc&city=420100")).toEqual({
      token: "abc",
      cleaned: "https://h5.example/h5/#/board?city=420100",
    });
    expect(takeHandoff("https://h5.example/h5/?access_token=abc#/home")).toEqual({ token: "abc", cleaned: "https://h5.example/h5/#/home" });
  });

  it("asks before another person's token replaces the one signed in", async () => {
    const person = (sub: string, name: string) =>
      `h.${btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify({ sub, name, exp: 4_000_000_000 })))).replace(/=+$/, "")}.s`;
    const zhang = person("c-1", "张三");
    const li = person("c-2", "李四");
    expect(personOf(zhang)).toEqual({ sub: "c-1", maskedName: "张*" });
    const asked: string[] = [];
    const refuse = async (signedIn: string, handed: string) => (asked.push(`${signedIn}→${handed}`), false);
    expect(await acceptHandoff(sessionStorage, zhang, refuse)).toBe(true);
    expect(await acceptHandoff(sessionStorage, li, refuse)).toBe(false);
    expect(currentToken(sessionStorage)).toBe(zhang);
    expect(asked).toEqual(["张*→李*"]);
    expect(await acceptHandoff(sessionStorage, li, async () => true)).toBe(true);
    expect(currentToken(sessionStorage)).toBe(li);
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
