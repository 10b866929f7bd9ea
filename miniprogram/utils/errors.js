// Errors of the request layer: the backend's {"error": {code, message,
// details}} shape turned into ApiError, with Chinese fallbacks.

const NETWORK_MESSAGE = '网络不可用，请检查网络后重试'

// Shown when the backend did not send its {"error": {...}} shape
// (a proxy error page, an empty body).
const STATUS_MESSAGES = {
  400: '请求有误，请检查后重试',
  401: '登录已失效，请重新进入小程序',
  403: '没有权限进行此操作',
  404: '内容不存在或已删除',
  409: '状态已发生变化，请刷新后重试',
  410: '内容已失效',
  413: '文件太大，请换一张较小的图片',
  422: '填写的内容有误，请检查后重试',
  429: '操作太频繁，请稍后再试',
  500: '服务器开小差了，请稍后再试',
  502: '服务暂时不可用，请稍后再试',
  503: '服务暂时不可用，请稍后再试',
  504: '服务响应超时，请稍后再试',
}

class ApiError extends Error {
  /** @param {{status?: number, code?: string, message?: string, details?: any}} [opts] */
  constructor(opts = {}) {
    const status = opts.status || 0
    super(opts.message || STATUS_MESSAGES[status] || '操作失败，请稍后重试')
    this.name = 'ApiError'
    this.status = status
    this.code = opts.code || 'unknown'
    this.details = opts.details || null
    this.errMsg = ''
  }

  get isNetwork() {
    return this.code === 'network_error'
  }
}

function networkError(err) {
  const e = new ApiError({ status: 0, code: 'network_error', message: NETWORK_MESSAGE })
  e.errMsg = err && err.errMsg
  return e
}

function parseBody(data) {
  if (typeof data !== 'string') return data
  try {
    return JSON.parse(data)
  } catch (e) {
    return null
  }
}

// Build an ApiError from a non-2xx wx.request / wx.uploadFile answer.
function toApiError(res) {
  const status = res.statusCode
  const body = parseBody(res.data)
  const err = body && typeof body === 'object' && body.error
  if (err && typeof err === 'object') {
    return new ApiError({
      status,
      code: err.code || 'unknown',
      message: err.message || STATUS_MESSAGES[status],
      details: err.details || null,
    })
  }
  const fallbackCode = status >= 500 ? 'server_error' : 'http_' + status
  return new ApiError({ status, code: fallbackCode, message: STATUS_MESSAGES[status] })
}

// The message to show a person for any thrown value.
function errorMessage(err) {
  if (err instanceof ApiError) return err.message
  if (err && err.errMsg) return NETWORK_MESSAGE
  return '操作失败，请稍后重试'
}

// Per-field messages of a validation_error: {"text": "..."}.
function fieldErrors(err) {
  const out = {}
  const fields = err && err.details && err.details.fields
  if (!fields || typeof fields !== 'object') return out
  Object.keys(fields).forEach((k) => {
    const v = fields[k]
    out[k] = Array.isArray(v) ? v.join('；') : String(v)
  })
  return out
}

module.exports = {
  ApiError,
  NETWORK_MESSAGE,
  STATUS_MESSAGES,
  networkError,
  parseBody,
  toApiError,
  errorMessage,
  fieldErrors,
}
