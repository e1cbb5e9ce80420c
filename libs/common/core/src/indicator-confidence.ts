/** ECS `threat.indicator.confidence` values (STIX 2.1 Appendix A, None/Low/Med/High scale). */
export type IndicatorConfidence = 'Not Specified' | 'None' | 'Low' | 'Medium' | 'High';

/** MISP's threat level names (as misp-sync records them) → confidence. */
const BY_THREAT_LEVEL: Readonly<Record<string, IndicatorConfidence>> = { High: 'High', Medium: 'Medium', Low: 'Low', Undefined: 'Not Specified' };

/**
 * ECS `threat.indicator.confidence` of an indicator from what MISP said about its attribute:
 *
 * - the decay score when MISP sent one (0–100, the attribute's current confidence under MISP's
 *   decaying models), on the STIX 2.1 Appendix A scale: 0 → None, 1–29 → Low, 30–69 → Medium,
 *   70–100 → High (a fraction is rounded first);
 * - else the event's threat level (`threat_level_id`): High, Medium, Low as named; Undefined →
 *   Not Specified. MISP has no per-attribute confidence, and the threat level is the event
 *   author's rating of the threat, the closest thing MISP users set on every event;
 * - else undefined (the field is left out).
 */
export function indicatorConfidence(source: { readonly threatLevel?: string | undefined; readonly decayScore?: number | undefined }): IndicatorConfidence | undefined {
  const score = source.decayScore;
  if (score !== undefined && Number.isFinite(score)) {
    const rounded = Math.round(score);
    if (rounded <= 0) return 'None';
    if (rounded < 30) return 'Low';
    if (rounded < 70) return 'Medium';
    return 'High';
  }
  return source.threatLevel === undefined ? undefined : BY_THREAT_LEVEL[source.threatLevel];
}
