import { describe, expect, it } from "vitest";
import { GUEST_COOKIE, mintGuestToken as mint, readGuestId as read, verifyGuestToken as verify } from "./guest-id";

const SECRET = "a-test-secret-of-at-least-thirty-two-characters";
const mintGuestToken = () => mint(SECRET);
const verifyGuestToken = (token: string | undefined) => verify(token, SECRET);
const readGuestId = (headers: Headers) => read(headers, SECRET);

describe("guest id cookie", () => {
  it("verifies what it minted, and reads it from a Cookie header among others", () => {
    const { guestId, token } = mintGuestToken();
    expect(verifyGuestToken(token)).toBe(guestId);
    expect(readGuestId(new Headers({ cookie: `a=1; ${GUEST_COOKIE}=${token}; b=2` }))).toBe(guestId);
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["no signature", "7a1e8c1e-0d5e-4a52-9a51-8f7b3f3c2f10"],
    ["not a uuid", "guest.abc"],
  ])("refuses a %s value", (_name, value) => {
    expect(verifyGuestToken(value)).toBeNull();
  });

  it("refuses another id under a valid signature, and a tampered signature", () => {
    const a = mintGuestToken();
    const b = mintGuestToken();
    expect(verifyGuestToken(`${b.guestId}.${a.token.split(".")[1]}`)).toBeNull();
    expect(verifyGuestToken(`${a.token.slice(0, -2)}xx`)).toBeNull();
    expect(verify(a.token, "another-secret-of-at-least-thirty-two-chars")).toBeNull();
    expect(readGuestId(new Headers({ cookie: `${GUEST_COOKIE}=${b.guestId}.${a.token.split(".")[1]}` }))).toBeNull();
  });
});
