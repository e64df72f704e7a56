// The largest request body the GPU server accepts, shared with the web UI's proxy so both refuse the same bodies.

/** A register path, a prompt, a base64 init image: 16 MiB. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
