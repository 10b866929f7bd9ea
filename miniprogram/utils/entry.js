// Pure functions that turn the page options of a scan / share entry into a
// code token, and a code lookup failure into what the person should see.
// No wx.* calls here.

// Code tokens are 16-22 URL-safe characters.
const TOKEN_RE = /^[A-Za-z0-9_-]{16,22}$/
// Poster URL: https://<PUBLIC_BASE_URL>/s/<token> (station) or /d/<token> (deputy).
const CODE_URL_RE = /^https?:\/\/[^/?#\s]+(?:\/[^?#\s]*)?\/([sd])\/([A-Za-z0-9_-]+)\/?(?:[?#].*)?$/i
const KIND_BY_LETTER = { s: 'station', d: 'deputy' }

function isToken(value) {
  return typeof value === 'string' && TOKEN_RE.test(value)
}

function safeDecode(value) {
  try {
    return decodeURIComponent(value)
  } catch (e) {
    return value
  }
}

// Decode until nothing percent-encoded is left (WeChat encodes once; some
// relays encode twice). Tokens never contain "%", so this is safe.
function decodeFully(value) {
  let cur = String(value == null ? '' : value)
  for (let i = 0; i < 3; i++) {
    if (!/%[0-9A-Fa-f]{2}/.test(cur)) break
    const next = safeDecode(cur)
    if (next === cur) break
    cur = next
  }
  return cur.trim()
}

// A plain-URL QR code: options.q holds the URL-encoded poster URL.
function parseCodeUrl(q) {
  const url = decodeFully(q)
  const m = CODE_URL_RE.exec(url)
  if (!m || !isToken(m[2])) return null
  return { token: m[2], kind: KIND_BY_LETTER[m[1].toLowerCase()] }
}

// A wxacode: options.scene is the URL-encoded token, bare or as
// "s=<token>", "d=<token>" or "t=<token>".
function parseScene(scene) {
  const text = decodeFully(scene)
  const parts = text.split('&')
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]
    const eq = part.indexOf('=')
    const key = eq >= 0 ? part.slice(0, eq).toLowerCase() : ''
    const value = eq >= 0 ? part.slice(eq + 1) : part
    if (eq >= 0 && ['s', 'd', 't', 'token'].indexOf(key) < 0) continue
    if (isToken(value)) return { token: value, kind: KIND_BY_LETTER[key] || null }
  }
  return null
}

// Page options -> {status: 'ok', token, kind, source} | {status: 'invalid', source}
// | {status: 'none'}. kind is null when the entry does not say it.
function parseEntryOptions(options) {
  const opts = options || {}
  let source = null
  let parsed = null
  if (opts.token) {
    source = 'share'
    const t = decodeFully(opts.token)
    parsed = isToken(t) ? { token: t, kind: null } : null
  } else if (opts.q) {
    source = 'qrcode'
    parsed = parseCodeUrl(opts.q)
  } else if (opts.scene !== undefined && opts.scene !== null && opts.scene !== '') {
    source = 'wxacode'
    parsed = parseScene(opts.scene)
  }
  if (!source) return { status: 'none' }
  if (!parsed) return { status: 'invalid', source }
  return { status: 'ok', token: parsed.token, kind: parsed.kind, source }
}

// The result of wx.scanCode inside the app: a wxacode gives res.path
// ("pages/index/index?scene=..."), a plain-URL code gives res.result.
function parseScanResult(res) {
  const r = res || {}
  if (r.path) {
    const qi = r.path.indexOf('?')
    const options = {}
    if (qi >= 0) {
      r.path.slice(qi + 1).split('&').forEach((pair) => {
        const eq = pair.indexOf('=')
        if (eq > 0) options[pair.slice(0, eq)] = pair.slice(eq + 1)
      })
    }
    const parsed = parseEntryOptions(options)
    if (parsed.status === 'ok') return parsed
  }
  if (r.result) {
    const parsed = parseCodeUrl(r.result)
    if (parsed) return { status: 'ok', token: parsed.token, kind: parsed.kind, source: 'scan' }
  }
  return { status: 'invalid', source: 'scan' }
}

// The page a resolved code (GET /api/v1/codes/<token>) opens.
function targetUrl(code) {
  if (!code) return null
  if (code.kind === 'station' && code.station) {
    return '/pages/station/station?id=' + code.station.id
  }
  if (code.kind === 'deputy' && code.deputy) {
    return '/pages/deputy/deputy?id=' + code.deputy.id
  }
  return null
}

// A failed code lookup -> {state, token?, kind?}.
function classifyCodeError(err) {
  const e = err || {}
  if (e.code === 'network_error') return { state: 'network' }
  if (e.code === 'code_rotated') {
    const d = e.details || {}
    return isToken(d.token)
      ? { state: 'rotated', token: d.token, kind: d.kind || null }
      : { state: 'revoked' }
  }
  if (e.code === 'code_revoked' || e.status === 410) return { state: 'revoked' }
  if (e.code === 'code_not_found' || e.status === 404) return { state: 'not_found' }
  return { state: 'error', message: e.message }
}

const VIEWS = {
  invalid: {
    type: 'warn',
    title: '无法识别此二维码',
    desc: '这不是联络站或代表的二维码。您可以在下方查找附近的联络站。',
    primary: '查找联络站',
  },
  rotated: {
    type: 'info',
    title: '此码已更换',
    desc: '您扫描的是旧版二维码，联络站已印制新码。可以继续前往，也请扫描新海报。',
    primary: '继续前往',
    secondary: '查找联络站',
  },
  revoked: {
    type: 'warn',
    title: '此码已停用',
    desc: '该二维码已停止使用（例如代表已调离）。请扫描联络站张贴的最新二维码，或在下方查找联络站。',
    primary: '查找联络站',
  },
  not_found: {
    type: 'warn',
    title: '未找到对应的联络站或代表',
    desc: '二维码可能印刷有误或已失效。请扫描联络站张贴的二维码，或在下方查找联络站。',
    primary: '查找联络站',
  },
  network: {
    type: 'network',
    title: '网络不可用',
    desc: '网络不可用，请检查网络后重试。',
    primary: '重试',
    secondary: '查找联络站',
  },
  error: {
    type: 'warn',
    title: '暂时无法打开',
    desc: '服务暂时不可用，请稍后重试。',
    primary: '重试',
    secondary: '查找联络站',
  },
}

// What the status view shows for a classified failure.
function codeStatusView(result) {
  const state = (result && result.state) || 'error'
  const view = Object.assign({ state }, VIEWS[state] || VIEWS.error)
  if (state === 'error' && result.message) view.desc = result.message
  return view
}

module.exports = {
  TOKEN_RE,
  isToken,
  decodeFully,
  parseCodeUrl,
  parseScene,
  parseEntryOptions,
  parseScanResult,
  targetUrl,
  classifyCodeError,
  codeStatusView,
}
