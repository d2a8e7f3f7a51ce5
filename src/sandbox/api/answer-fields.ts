// How answers write times and tags: ISO 8601 UTC without milliseconds (instances: without seconds), tags as
// { Tag: [{ TagKey, TagValue }] } — the shapes the SDK's response models parse.

export const iso = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
export const isoMin = (t: number) => new Date(t).toISOString().replace(/:\d{2}\.\d{3}Z$/, 'Z');
export const tagSet = (t: Record<string, string>) => ({ Tag: Object.entries(t).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) });
