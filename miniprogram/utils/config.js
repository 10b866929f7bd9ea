// Per-environment settings. The API base follows the mini-program's own
// version (develop / trial / release) as reported by wx.getAccountInfoSync().
// The domains below are placeholders: replace them with the real
// PUBLIC_BASE_URL hosts (and list them as request/uploadFile legal domains
// in the mini-program console) before the first trial build. See README.md.

const API_BASES = {
  develop: 'http://127.0.0.1:5000',
  trial: 'https://trial.liaison.example.gov.cn',
  release: 'https://liaison.example.gov.cn',
}

// Storage key a developer may set in DevTools to point the develop build at
// another backend (ignored in trial and release builds).
const DEV_OVERRIDE_KEY = 'dev_api_base'

const REQUEST_TIMEOUT_MS = 15000
const UPLOAD_TIMEOUT_MS = 60000

function envVersion() {
  try {
    const info = wx.getAccountInfoSync()
    const v = info && info.miniProgram && info.miniProgram.envVersion
    return API_BASES[v] ? v : 'release'
  } catch (e) {
    return 'release'
  }
}

function apiBase() {
  const env = envVersion()
  if (env === 'develop') {
    try {
      const override = wx.getStorageSync(DEV_OVERRIDE_KEY)
      if (typeof override === 'string' && /^https?:\/\//.test(override)) {
        return override.replace(/\/+$/, '')
      }
    } catch (e) {
      // storage unavailable: use the default
    }
  }
  return API_BASES[env]
}

module.exports = {
  API_BASES,
  DEV_OVERRIDE_KEY,
  REQUEST_TIMEOUT_MS,
  UPLOAD_TIMEOUT_MS,
  envVersion,
  apiBase,
}
