import { describe, expect, it } from "vitest";
import { refusal, type EvidenceRules } from "./evidence";
import { checkFields, emptyFields, fieldOf } from "./form";
import hubeiCsv from "../../../../shared/data/hubei-regions.csv?raw";
import changzhouCsv from "../../../../provinces/changzhou/regions.csv?raw";
import { defaultCity, distanceKm, nearestCounty, type SeatedCity } from "./nearest";

const MB = 1024 * 1024;
const rules: EvidenceRules = {
  one_kind_only: true,
  kinds: [
    { kind: "image", max_files: 3, max_bytes: 60 * MB, content_types: ["image/jpeg", "image/png", "image/heic", "image/webp"] },
    { kind: "video", max_files: 1, max_bytes: 100 * MB, content_types: ["video/mp4", "video/quicktime"] },
  ],
};
const photo = (size = MB) => ({ name: "a.jpg", type: "image/jpeg", size });
const video = (size = 10 * MB) => ({ name: "a.mp4", type: "video/mp4", size });

describe("evidence rules (checked before any upload)", () => {
  it("accepts up to three photos of at most 60M, or one video of at most 100M", () => {
    expect(refusal(rules, "image", [], [photo(), photo(), photo(60 * MB)])).toBeNull();
    expect(refusal(rules, "video", [], [video(100 * MB)])).toBeNull();
  });
  it("refuses a 61M photo and a 101M video, in the manual's words", () => {
    expect(refusal(rules, "image", [], [photo(61 * MB)])).toBe("图片大小不能超过60M");
    expect(refusal(rules, "video", [], [video(101 * MB)])).toBe("视频大小不能超过100M");
  });
  it("never mixes photos and a video", () => {
    expect(refusal(rules, "image", [], [photo(), video()])).toBe("举证材料只能选择图片或视频中的一种");
    expect(refusal(rules, "video", ["image"], [video()])).toBe("举证材料只能选择图片或视频中的一种");
    expect(refusal(rules, "image", [], [video()])).toBe("举证材料只能选择图片或视频中的一种");
  });
  it("counts what is already attached", () => {
    expect(refusal(rules, "image", ["image", "image"], [photo()])).toBeNull();
    expect(refusal(rules, "image", ["image", "image"], [photo(), photo()])).toBe("图片最多上传3张");
    expect(refusal(rules, "video", ["video"], [video()])).toBe("视频最多上传1个");
  });
  it("refuses other formats and empty files", () => {
    expect(refusal(rules, "image", [], [{ name: "a.gif", type: "image/gif", size: 10 }])).toMatch(/^不支持该图片格式/);
    expect(refusal(rules, "image", [], [{ name: "a.pdf", type: "application/pdf", size: 10 }])).toMatch(/^不支持该图片格式/);
    expect(refusal(rules, "image", [], [photo(0)])).toBe("文件为空,请重新选择");
  });
});

describe("form rules", () => {
  const limits = { target_max_chars: 100, address_max_chars: 200, content_max_chars: 2000, reports_per_day: 20 };
  it("names every missing field", () => {
    expect(Object.keys(checkFields(emptyFields(), limits)).sort()).toEqual(
      ["address", "category", "city", "content", "county", "target", "violation_types"].sort(),
    );
  });
  it("accepts a complete form and counts characters, not bytes", () => {
    const fields = {
      ...emptyFields(),
      target: "某某教育",
      city: "420100",
      county: "420106",
      address: "中南路1号",
      category: "academic",
      violation_types: ["unlicensed"],
      content: "培".repeat(2000),
    };
    expect(checkFields(fields, limits)).toEqual({});
    expect(checkFields({ ...fields, content: "培".repeat(2001) }, limits).content).toBe("举报内容不能超过2000个字");
    expect(checkFields({ ...fields, target: "   " }, limits).target).toBe("请填写举报对象");
  });
  it("maps the API's field names onto the form's", () => {
    expect(fieldOf("violation_types[1]")).toBe("violation_types");
    expect(fieldOf("evidence.keys[0]")).toBe("evidence");
    expect(fieldOf("target")).toBe("target");
    expect(fieldOf("notice_version")).toBeNull();
    expect(fieldOf(undefined)).toBeNull();
  });
});

describe("nearest county seat", () => {
  // The provinces' own regions files, as /v1/meta serves them.
  function citiesOf(text: string): SeatedCity[] {
    const rows = text.trim().split("\n").slice(1).map((line) => line.split(","));
    const seat = (r: string[]) => ({ lat: Number(r[4]), lng: Number(r[5]) });
    return rows
      .filter((r) => r[2] === "city")
      .map((city) => {
        const below = rows.filter((r) => r[2] === "county" && r[3] === city[0]);
        const counties = (below.length ? below : [city]).map((r) => ({ code: r[0]!, seat: seat(r) }));
        return { code: city[0]!, seat: seat(city), counties };
      });
  }
  const hubei = citiesOf(hubeiCsv);
  const changzhou = citiesOf(changzhouCsv);
  it("measures great-circle distances (Wuhan to Yichang is about 290 km)", () => {
    const wuhan = hubei.find((c) => c.code === "420100")!.seat!;
    const yichang = hubei.find((c) => c.code === "420500")!.seat!;
    expect(distanceKm(wuhan, yichang)).toBeGreaterThan(270);
    expect(distanceKm(wuhan, yichang)).toBeLessThan(310);
  });
  it("picks the county whose seat is nearest, with its city", () => {
    expect(nearestCounty({ lat: 30.54, lng: 114.33 }, hubei)).toEqual({ city: "420100", county: "420106" }); // 武昌区
    expect(nearestCounty({ lat: 30.7, lng: 111.3 }, hubei)).toEqual({ city: "420500", county: "420502" }); // 西陵区
    expect(nearestCounty({ lat: 31.7, lng: 119.94 }, changzhou)).toEqual({ city: "320400", county: "320412" }); // 武进区
    expect(nearestCounty({ lat: 31.43, lng: 119.47 }, changzhou)).toEqual({ city: "320400", county: "320481" }); // 溧阳市
  });
  it("treats a directly administered city as its own county", () => {
    expect(nearestCounty({ lat: 30.37, lng: 113.44 }, hubei)).toEqual({ city: "429004", county: "429004" }); // 仙桃
  });
  it("finds nothing outside the province or without seats", () => {
    expect(nearestCounty({ lat: 39.9, lng: 116.4 }, hubei)).toBeNull(); // Beijing
    expect(nearestCounty({ lat: 30.55, lng: 114.32 }, changzhou)).toBeNull(); // Wuhan, for Changzhou
    expect(nearestCounty({ lat: 30.55, lng: 114.32 }, [{ code: "420100", seat: null, counties: [{ code: "420106", seat: null }] }])).toBeNull();
  });
  it("opens the board on the last city chosen, else the capital", () => {
    const known = hubei.map((c) => c.code);
    expect(defaultCity("420600", "420100", known)).toBe("420600");
    expect(defaultCity(null, "420100", known)).toBe("420100");
    expect(defaultCity("999999", "420100", known)).toBe("420100");
    expect(defaultCity(null, "999999", known)).toBe(known[0]);
  });
});
