// A session of an AUTOMATIC1111 API client (the Python `webuiapi` package driving a SillyTavern-style flow), as
// recorded on the wire: each request's method, path, headers and body, in order. `{{INIT_IMAGE}}` stands for the
// base64 PNG the replay feeds back into img2img.

export interface RecordedRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

const CLIENT_HEADERS = { 'user-agent': 'python-requests/2.32.3', accept: '*/*', 'accept-encoding': 'gzip, deflate' };
const JSON_HEADERS = { ...CLIENT_HEADERS, 'content-type': 'application/json' };

/** webuiapi's txt2img payload: every field it always sends, most of them at its defaults. */
const TXT2IMG_DEFAULTS = {
  enable_hr: false,
  denoising_strength: 0.7,
  firstphase_width: 0,
  firstphase_height: 0,
  hr_scale: 2,
  hr_upscaler: 'Latent',
  hr_second_pass_steps: 0,
  hr_resize_x: 0,
  hr_resize_y: 0,
  styles: [],
  subseed: -1,
  subseed_strength: 0.0,
  seed_resize_from_h: 0,
  seed_resize_from_w: 0,
  restore_faces: false,
  tiling: false,
  do_not_save_samples: false,
  do_not_save_grid: false,
  eta: 1.0,
  s_churn: 0,
  s_tmax: 0,
  s_tmin: 0,
  s_noise: 1,
  override_settings: {},
  override_settings_restore_afterwards: true,
  script_args: [],
  script_name: null,
  send_images: true,
  save_images: false,
  alwayson_scripts: {},
  sampler_index: 'Euler a',
};

export const SESSION = {
  samplers: { method: 'GET', path: '/sdapi/v1/samplers', headers: CLIENT_HEADERS },
  sdModels: { method: 'GET', path: '/sdapi/v1/sd-models', headers: CLIENT_HEADERS },
  setCheckpoint: { method: 'POST', path: '/sdapi/v1/options', headers: JSON_HEADERS, body: { sd_model_checkpoint: 'easel-demo' } },
  options: { method: 'GET', path: '/sdapi/v1/options', headers: CLIENT_HEADERS },
  txt2img: {
    method: 'POST',
    path: '/sdapi/v1/txt2img',
    headers: JSON_HEADERS,
    body: {
      ...TXT2IMG_DEFAULTS,
      prompt: 'a red circle on a blue background',
      negative_prompt: '',
      seed: 1234,
      sampler_name: 'Euler a',
      batch_size: 2,
      n_iter: 1,
      steps: 20,
      cfg_scale: 7.0,
      width: 256,
      height: 256,
    },
  },
  img2img: {
    method: 'POST',
    path: '/sdapi/v1/img2img',
    headers: JSON_HEADERS,
    body: {
      init_images: ['{{INIT_IMAGE}}'],
      resize_mode: 0,
      denoising_strength: 0.8,
      image_cfg_scale: 0,
      mask_blur: 4,
      inpainting_fill: 0,
      inpaint_full_res: true,
      inpaint_full_res_padding: 0,
      inpainting_mask_invert: 0,
      initial_noise_multiplier: 1,
      prompt: 'a green square on a black background',
      styles: [],
      seed: 99,
      subseed: -1,
      subseed_strength: 0,
      batch_size: 1,
      n_iter: 1,
      steps: 20,
      cfg_scale: 7.0,
      width: 256,
      height: 256,
      restore_faces: false,
      tiling: false,
      negative_prompt: '',
      eta: 1.0,
      override_settings: {},
      sampler_name: 'DPM++ 2M Karras',
      include_init_images: false,
      send_images: true,
      save_images: false,
    },
  },
  longTxt2img: {
    method: 'POST',
    path: '/sdapi/v1/txt2img',
    headers: JSON_HEADERS,
    body: { ...TXT2IMG_DEFAULTS, prompt: 'a huge yellow star on a black background', seed: 7, sampler_name: 'Euler a', batch_size: 16, n_iter: 1, steps: 150, cfg_scale: 7.0, width: 512, height: 512 },
  },
  progress: { method: 'GET', path: '/sdapi/v1/progress?skip_current_image=false', headers: CLIENT_HEADERS },
  interrupt: { method: 'POST', path: '/sdapi/v1/interrupt', headers: CLIENT_HEADERS },
} as const satisfies Record<string, RecordedRequest>;

/** Sends one recorded request to `baseUrl`, with `{{INIT_IMAGE}}` replaced. */
export async function replay(baseUrl: string, request: RecordedRequest, initImage = ''): Promise<{ status: number; body: any }> {
  const body = request.body === undefined ? undefined : JSON.stringify(request.body).replaceAll('{{INIT_IMAGE}}', initImage);
  const response = await fetch(`${baseUrl}${request.path}`, { method: request.method, headers: request.headers, body });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}
