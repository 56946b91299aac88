import { describe, expect, it } from "vitest";
import { shortFingerprint } from "./fingerprint";

describe("shortFingerprint", () => {
  it("shows the first 16 hex digits of a SHA-256 in groups of four", () => {
    expect(shortFingerprint("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")).toBe(
      "2cf2 4dba 5fb0 a30e…",
    );
  });
  it("adds no ellipsis to what is already short", () => {
    expect(shortFingerprint("2cf24dba")).toBe("2cf2 4dba");
  });
});
