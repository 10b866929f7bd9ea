// The one request layer: login, token storage, one silent re-login on 401,
// idempotent submits and Chinese error messages. Every backend call goes
// through request() or upload().

const config = require('./config')
const {
  ApiError,
  NETWORK_MESSAGE,
  STATUS_MESSAGES,
  networkError,
  parseBody,
  toApiError,
  errorMessage,
  fieldErrors,
} = require('./errors')

const TOKEN_KEY = 'auth_token'
const TOKEN_EXPIRES_KEY = 'auth_token_expires_at'
const USER_KEY = 'auth_user'
const IDEMPOTENCY_PREFIX = 'idem:'

const LOGIN_FAILED_MESSAGE = '微信登录失败，请稍后重试'

// ---- token storage ------------------------------------------------------

function getToken() {
  const token = wx.getStorageSync(TOKEN_KEY)
  if (!token) return ''
  const expiresAt = Number(wx.getStorageSync(TOKEN_EXPIRES_KEY)) || 0
  // Treat a token within a minute of expiry as gone: log in again first.
  if (expiresAt && Date.now() > expiresAt - 60 * 1000) return ''
  return token
}

function setSession(data) {
  wx.setStorageSync(TOKEN_KEY, data.token)
  const seconds = Number(data.expires_in) || 0
  wx.setStorageSync(TOKEN_EXPIRES_KEY, seconds ? Date.now() + seconds * 1000 : 0)
  if (data.user) wx.setStorageSync(USER_KEY, data.user)
}

function clearSession() {
  wx.removeStorageSync(TOKEN_KEY)
  wx.removeStorageSync(TOKEN_EXPIRES_KEY)
}

function currentUser() {
  return wx.getStorageSync(USER_KEY) || null
}

// The user as an answer now describes it (after a binding changed their roles).
function rememberUser(user) {
  if (user) wx.setStorageSync(USER_KEY, user)
}

// ---- transport ------------------------------------------------------------

function buildUrl(path, query) {
  let url = /^https?:\/\//.test(path) ? path : config.apiBase() + path
  if (query) {
    const parts = Object.keys(query)
      .filter((k) => query[k] !== undefined && query[k] !== null && query[k] !== '')
      .map((k) => encodeURIComponent(k) + '=' + encodeURIComponent(query[k]))
    if (parts.length) url += (url.indexOf('?') >= 0 ? '&' : '?') + parts.join('&')
  }
  return url
}

function wxRequest(options) {
  return new Promise((resolve, reject) => {
    wx.request({
      url: options.url,
      method: options.method,
      data: options.data,
      header: options.header,
      timeout: config.REQUEST_TIMEOUT_MS,
      success: resolve,
      fail: (err) => reject(networkError(err)),
    })
  })
}

function wxUpload(options) {
  return new Promise((resolve, reject) => {
    wx.uploadFile({
      url: options.url,
      filePath: options.filePath,
      name: 'file',
      header: options.header,
      timeout: config.UPLOAD_TIMEOUT_MS,
      success: resolve,
      fail: (err) => reject(networkError(err)),
    })
  })
}

function wxLoginCode() {
  return new Promise((resolve, reject) => {
    wx.login({
      success: (res) => {
        if (res && res.code) resolve(res.code)
        else reject(new ApiError({ code: 'login_failed', message: LOGIN_FAILED_MESSAGE }))
      },
      fail: () => reject(new ApiError({ code: 'login_failed', message: LOGIN_FAILED_MESSAGE })),
    })
  })
}

// ---- login ------------------------------------------------------------------

let loginInFlight = null

async function doLogin() {
  const code = await wxLoginCode()
  const res = await wxRequest({
    url: buildUrl('/api/v1/auth/wechat'),
    method: 'POST',
    data: { code },
    header: { 'content-type': 'application/json' },
  })
  const body = parseBody(res.data)
  if (res.statusCode !== 200 || !body || !body.token) throw toApiError(res)
  setSession(body)
  return body
}

// wx.login -> POST /api/v1/auth/wechat; concurrent callers share one login.
function login() {
  if (!loginInFlight) {
    loginInFlight = doLogin().then(
      (v) => {
        loginInFlight = null
        return v
      },
      (e) => {
        loginInFlight = null
        throw e
      }
    )
  }
  return loginInFlight
}

async function ensureToken() {
  const token = getToken()
  if (token) return token
  const session = await login()
  return session.token
}

// Run send(token) and, on a first 401, log in again and replay it once.
async function withAuth(send) {
  let token = await ensureToken()
  let res = await send(token)
  if (res.statusCode === 401) {
    // Another call may already have replaced the token: only drop ours.
    if (wx.getStorageSync(TOKEN_KEY) === token) clearSession()
    token = await ensureToken()
    res = await send(token)
  }
  return res
}

function finish(res) {
  if (res.statusCode >= 200 && res.statusCode < 300) return parseBody(res.data)
  throw toApiError(res)
}

// request('/api/v1/opinions', {method, data, query, header, auth})
async function request(path, options = {}) {
  const method = options.method || 'GET'
  const url = buildUrl(path, options.query)
  const baseHeader = Object.assign({ 'content-type': 'application/json' }, options.header || {})
  if (options.auth === false) {
    return finish(await wxRequest({ url, method, data: options.data, header: baseHeader }))
  }
  const res = await withAuth((token) =>
    wxRequest({
      url,
      method,
      data: options.data,
      header: Object.assign({}, baseHeader, { Authorization: 'Bearer ' + token }),
    })
  )
  return finish(res)
}

// Upload one local file (multipart field "file"); returns the parsed body.
async function upload(path, filePath) {
  const url = buildUrl(path)
  const res = await withAuth((token) =>
    wxUpload({ url, filePath, header: { Authorization: 'Bearer ' + token } })
  )
  return finish(res)
}

// Download a file the API makes (an Excel or PDF export) with the login; resolves to the
// temporary file path. A refusal comes back as an ApiError with a Chinese message.
async function download(path, query) {
  const url = buildUrl(path, query)
  const res = await withAuth((token) =>
    new Promise((resolve, reject) => {
      wx.downloadFile({
        url,
        header: { Authorization: 'Bearer ' + token },
        timeout: config.UPLOAD_TIMEOUT_MS,
        success: resolve,
        fail: (err) => reject(networkError(err)),
      })
    })
  )
  if (res.statusCode >= 200 && res.statusCode < 300) return res.tempFilePath
  throw toApiError({ statusCode: res.statusCode, data: null })
}

// ---- idempotent submits --------------------------------------------------------

function uuid4() {
  const hex = '0123456789abcdef'
  let out = ''
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) out += '-'
    else if (i === 14) out += '4'
    else if (i === 19) out += hex[8 + Math.floor(Math.random() * 4)]
    else out += hex[Math.floor(Math.random() * 16)]
  }
  return out
}

// One key per draft, kept in storage until the submit succeeds, so a retry
// after a lost answer (or after the app was closed) reuses it.
function idempotencyKey(draftId) {
  const storageKey = IDEMPOTENCY_PREFIX + draftId
  let key = wx.getStorageSync(storageKey)
  if (!key) {
    key = uuid4()
    wx.setStorageSync(storageKey, key)
  }
  return key
}

function clearIdempotencyKey(draftId) {
  wx.removeStorageSync(IDEMPOTENCY_PREFIX + draftId)
}

async function submitOnce(draftId, path, data) {
  const key = idempotencyKey(draftId)
  const body = await request(path, { method: 'POST', data, header: { 'Idempotency-Key': key } })
  clearIdempotencyKey(draftId)
  return body
}

module.exports = {
  ApiError,
  NETWORK_MESSAGE,
  STATUS_MESSAGES,
  TOKEN_KEY,
  USER_KEY,
  request,
  upload,
  download,
  login,
  submitOnce,
  idempotencyKey,
  clearIdempotencyKey,
  errorMessage,
  fieldErrors,
  toApiError,
  getToken,
  clearSession,
  currentUser,
  rememberUser,
  buildUrl,
  uuid4,
}
