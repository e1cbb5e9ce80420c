import type { StoredAttribute } from './stored-types';

/**
 * The one decaying model the stand-in has enabled, with MISP's `Polynomial` formula
 * (app/Model/DecayingModelsFormulas/Polynomial.php) and the parameters of the example in MISP's
 * OpenAPI spec (`DecayingModelParameters`: lifetime 3 days is the example's; the stand-in uses
 * 30 days so recent test changes are live and the recorded 2016–2017 fixtures are decayed):
 *
 *   score = base_score × (1 − (Δt / lifetime)^(1 / decay_speed)),  decayed when score ≤ threshold
 *
 * Δt runs from the attribute's timestamp (MISP takes the last sighting when there is one; the
 * stand-in has no sightings). The base score is the default one (no tag-based base_score_config).
 */
export const STANDIN_DECAYING_MODEL = { id: '1', name: 'Stand-in polynomial model', lifetimeDays: 30, decaySpeed: 2.3, threshold: 30, defaultBaseScore: 80 } as const;

export interface DecayScore {
  readonly score: number;
  readonly base_score: number;
  readonly decayed: boolean;
  readonly DecayingModel: { readonly id: string; readonly name: string };
}

/** The attribute's `decay_score` entry; `threshold` overrides the model's (restSearch `score`). */
export function decayScoreOf(attribute: Pick<StoredAttribute, 'timestamp'>, nowSeconds: number, threshold: number = STANDIN_DECAYING_MODEL.threshold): DecayScore {
  const model = STANDIN_DECAYING_MODEL;
  const elapsed = Math.max(0, nowSeconds - attribute.timestamp) / (model.lifetimeDays * 86_400);
  const score = elapsed >= 1 ? 0 : model.defaultBaseScore * (1 - elapsed ** (1 / model.decaySpeed));
  const rounded = Math.round(score * 100) / 100;
  return { score: rounded, base_score: model.defaultBaseScore, decayed: rounded <= threshold, DecayingModel: { id: model.id, name: model.name } };
}
