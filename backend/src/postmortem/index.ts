export { renderPostmortem } from './render';
export type { PostmortemInput } from './render';
export { defaultFollowUps } from './follow-ups';
export { peakErrorRate } from './peak-error-rate';
