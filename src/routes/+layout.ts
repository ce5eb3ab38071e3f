// The app is a client-only SPA: it renders from local Yjs documents, never on the server.
export const ssr = false;
export const prerender = false;
