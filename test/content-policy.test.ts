// The content policy's patterns: what they flag, and prose they leave alone.
import { describe, expect, it } from "vitest";
import { matchesContentPolicy } from "../src/guard/content-policy";

describe("content policy patterns", () => {
  it.each([
    "<script>alert(1)</script>",
    "< SCRIPT src=//evil.example/x.js>",
    "javascript:alert(1)",
    "JaVa\tScRiPt:void(0)",
    '<img src=x onerror="alert(1)">',
    "<svg/onload=alert(1)>",
    "<a href='#' ONCLICK = steal()>x</a>",
    "<div\nonmouseover=x>",
  ])("flags %j", (content) => {
    expect(matchesContentPolicy(content)).toBe(true);
  });

  it.each([
    "online = true",
    "the script was javascript-free",
    "a > b and c onclick = d",
    "<b>bold</b> and then onward= fine",
    "<".repeat(10_000),
    `<${" onx=".repeat(1999)}`.replace(/^</, ">"),
  ])("leaves %j alone", (content) => {
    expect(matchesContentPolicy(content)).toBe(false);
  });
});
