// The cascading division pickers (tracker/web/widgets.py RegionPicker): choosing a province
// or a city fetches its children and fills the next select, so the form holds the province
// list only, not ~3,200 divisions. Without this script the form still works one level per
// submission. The answer names divisions in both languages, so that one cached copy serves
// every reader: the page's language picks the name.
const english = document.documentElement.lang.startsWith("en");

function fill(select, regions) {
  select.length = 1; // keep the "not given" option
  for (const region of regions) {
    select.add(new Option((english && region.name_en) || region.name_zh, region.code));
  }
  select.closest(".region-level").hidden = regions.length === 0;
}

async function childrenOf(picker, code) {
  if (!code) return [];
  const url = picker.dataset.childrenUrl.replace("000000", code);
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return (await response.json()).children;
}

for (const picker of document.querySelectorAll("[data-region-picker]")) {
  const [province, city, county] = ["province", "city", "county"].map(
    (level) => picker.querySelector(`select[data-level="${level}"]`),
  );
  province.addEventListener("change", async () => {
    fill(city, []);
    fill(county, []);
    const children = await childrenOf(picker, province.value);
    // A municipality (北京) has no city level: its counties come straight under it.
    fill(city, children.filter((region) => region.level === "city"));
    fill(county, children.filter((region) => region.level === "county"));
  });
  city.addEventListener("change", async () => {
    fill(county, []);
    fill(county, await childrenOf(picker, city.value));
  });
}
