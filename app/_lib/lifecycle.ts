// The lifecycle states and transition reasons for the history filters, from the server's own list.
export { MODEL_STATES, TRANSITION_REASONS, type ModelState, type TransitionReason } from '../../server/core/lifecycle/states';
