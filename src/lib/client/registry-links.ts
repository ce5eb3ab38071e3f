// The registry pages' URLs: a registered model, one of its versions, and the logged-model page a version was
// registered from (`/experiments/<id>/models/<modelId>`).

export const formatModelHref = (name: string): string => `/models/${encodeURIComponent(name)}`;

export const formatVersionHref = (name: string, version: number): string => `${formatModelHref(name)}/${version}`;

export const formatLoggedModelHref = (experimentId: string, modelId: string): string =>
	`/experiments/${encodeURIComponent(experimentId)}/models/${encodeURIComponent(modelId)}`;
