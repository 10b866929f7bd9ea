// A recording fake of the global `wx` object. Async APIs answer on a later
// microtask, like WeChat. Routes map "METHOD /path" to a handler returning
// {statusCode, data} or {fail: 'request:fail ...'}.

const fs = require('fs')
const path = require('path')
const { USER } = require('./fixtures')

const APP_JSON = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'app.json'), 'utf8'))

// Why WeChat refuses wx.getLocation before asking the user (errMsg as WeChat gives it):
// - since 2022-07-14 the API must be listed in app.json `requiredPrivateInfos`
//   (developers.weixin.qq.com/community/develop/doc/000a02f2c5026891650e7f40351c01);
// - the authorisation prompt needs `permission["scope.userLocation"].desc` in app.json
//   (app.json reference, "permission");
// - `type` is 'wgs84' (default) or 'gcj02' (wx.getLocation reference).
function locationRefusal(appJson, opts) {
  if (!(appJson.requiredPrivateInfos || []).includes('getLocation')) {
    return 'getLocation:fail the api need to be declared in the requiredPrivateInfos field in app.json/ext.json'
  }
  const scope = (appJson.permission || {})['scope.userLocation']
  if (!scope || !scope.desc) return 'getLocation:fail require permission desc'
  if (opts.type !== undefined && opts.type !== 'wgs84' && opts.type !== 'gcj02') return 'getLocation:fail invalid type'
  return null
}

function later(fn) {
  Promise.resolve().then(fn)
}

function settle(opts, ok, value) {
  later(() => {
    if (ok) opts.success && opts.success(value)
    else opts.fail && opts.fail(value)
    opts.complete && opts.complete(value)
  })
}

function createFakeWx(settings = {}) {
  const storage = new Map()
  const calls = []
  const routes = []
  let loginCount = 0

  const record = (name, arg) => calls.push({ name, arg })

  function route(method, pathPattern, handler) {
    routes.push({ method, pathPattern, handler })
  }

  function dispatch(kind, opts) {
    const url = new URL(opts.url)
    const method = (opts.method || (kind === 'upload' ? 'POST' : 'GET')).toUpperCase()
    const req = {
      kind,
      url: opts.url,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams.entries()),
      method,
      data: opts.data,
      header: opts.header || {},
      filePath: opts.filePath,
      name: opts.name,
    }
    fake.requests.push(req)
    for (let i = routes.length - 1; i >= 0; i--) {
      const r = routes[i]
      const pathOk = r.pathPattern instanceof RegExp ? r.pathPattern.test(req.path) : r.pathPattern === req.path
      if (r.method === method && pathOk) return r.handler(req)
    }
    return { statusCode: 404, data: { error: { code: 'not_found', message: '未找到（测试）' } } }
  }

  function network(kind, opts) {
    let answer
    try {
      answer = dispatch(kind, opts)
    } catch (e) {
      answer = { statusCode: 500, data: { error: { code: 'internal_error', message: String(e) } } }
    }
    if (answer && answer.fail) {
      settle(opts, false, { errMsg: answer.fail })
      return
    }
    // wx.downloadFile hands back a temporary file, not the body.
    if (kind === 'download') {
      settle(opts, true, { statusCode: answer.statusCode, tempFilePath: 'wxfile://tmp/download-' + fake.requests.length })
      return
    }
    let data = answer.data
    // wx.uploadFile hands back the body as a string.
    if (kind === 'upload' && typeof data !== 'string') data = JSON.stringify(data)
    settle(opts, true, { statusCode: answer.statusCode, data, header: {} })
  }

  const fake = {
    calls,
    requests: [],
    storage,
    route,
    // Answers for interactive APIs, changeable per test.
    answers: {
      login: () => ({ code: 'wxcode-' + ++loginCount }),
      subscribe: (ids) => Object.assign({ errMsg: 'requestSubscribeMessage:ok' }, ...ids.map((id) => ({ [id]: 'accept' }))),
      chooseMedia: () => ({ tempFiles: [{ tempFilePath: 'wxfile://tmp/photo1.jpg', size: 1000 }] }),
      modalConfirm: true,
      actionSheet: () => ({ tapIndex: 0 }),
      scanCode: () => ({ result: 'https://liaison.example.gov.cn/s/Kx3pQ9vT2mWb7nRc', scanType: 'QR_CODE' }),
      // The user allowed location; a test refuses with () => ({ fail: 'getLocation:fail auth deny' }).
      getLocation: () => ({ latitude: 28.1963, longitude: 112.9535, accuracy: 30, speed: -1, altitude: 0 }),
    },
    privacyHandler: null,

    getAccountInfoSync: () => ({ miniProgram: { envVersion: settings.envVersion || 'release', appId: 'wxdemominiprogram01' } }),
    getStorageSync: (k) => (storage.has(k) ? storage.get(k) : ''),
    setStorageSync: (k, v) => {
      record('setStorageSync', { key: k, value: v })
      storage.set(k, v)
    },
    removeStorageSync: (k) => {
      record('removeStorageSync', { key: k })
      storage.delete(k)
    },
    login: (opts) => {
      record('login', opts)
      const a = fake.answers.login()
      settle(opts, !a.fail, a.fail ? { errMsg: a.fail } : a)
    },
    request: (opts) => {
      record('request', opts)
      network('request', opts)
    },
    uploadFile: (opts) => {
      record('uploadFile', opts)
      network('upload', opts)
    },
    // As strict as WeChat: empty (10001), more than 3 ids (20003), one-time and long-term
    // ids in one call (20002, kinds from fake.templateKinds) fail the whole call.
    templateKinds: {},
    requestSubscribeMessage: (opts) => {
      record('requestSubscribeMessage', opts)
      const ids = opts.tmplIds || []
      const kinds = new Set(ids.map((id) => fake.templateKinds[id] || 'one_time'))
      let refusal = null
      if (!ids.length) refusal = { errCode: 10001, errMsg: "requestSubscribeMessage:fail TmplIds can't be empty" }
      else if (ids.length > 3) refusal = { errCode: 20003, errMsg: 'requestSubscribeMessage:fail Templates count out of max bounds' }
      else if (kinds.size > 1) refusal = { errCode: 20002, errMsg: 'requestSubscribeMessage:fail Templates type must be same' }
      if (refusal) fake.refusals.push(refusal)
      settle(opts, !refusal, refusal || fake.answers.subscribe(ids))
    },
    refusals: [],
    chooseMedia: (opts) => {
      record('chooseMedia', opts)
      const a = fake.answers.chooseMedia(opts)
      settle(opts, !a.fail, a.fail ? { errMsg: a.fail } : a)
    },
    showModal: (opts) => {
      record('showModal', opts)
      settle(opts, true, { confirm: fake.answers.modalConfirm, cancel: !fake.answers.modalConfirm })
    },
    showActionSheet: (opts) => {
      record('showActionSheet', opts)
      const a = fake.answers.actionSheet(opts)
      settle(opts, !a.fail, a.fail ? { errMsg: a.fail } : a)
    },
    downloadFile: (opts) => {
      record('downloadFile', opts)
      network('download', opts)
    },
    openDocument: (opts) => {
      record('openDocument', opts)
      settle(opts, true, { errMsg: 'openDocument:ok' })
    },
    scanCode: (opts) => {
      record('scanCode', opts)
      const a = fake.answers.scanCode(opts)
      settle(opts, !a.fail, a.fail ? { errMsg: a.fail } : a)
    },
    getLocation: (opts) => {
      record('getLocation', opts)
      const refused = locationRefusal(settings.appJson || APP_JSON, opts)
      const a = refused ? { fail: refused } : fake.answers.getLocation(opts)
      if (a.hang) return // no fix ever comes (indoors, GPS off without an error)
      settle(opts, !a.fail, a.fail ? { errMsg: a.fail } : Object.assign({ errMsg: 'getLocation:ok' }, a))
    },
    onNeedPrivacyAuthorization: (fn) => {
      record('onNeedPrivacyAuthorization', fn)
      fake.privacyHandler = fn
    },
    getPrivacySetting: (opts) => settle(opts, true, { needAuthorization: true, privacyContractName: '《联络站小程序隐私保护指引》' }),
    getWindowInfo: () => ({ windowWidth: 375, windowHeight: 667, pixelRatio: 2 }),
    // WeChat refuses coordinates that are not numbers in range (GCJ-02 expected).
    openLocation: (opts) => {
      record('openLocation', opts)
      const valid = typeof opts.latitude === 'number' && typeof opts.longitude === 'number' &&
        Math.abs(opts.latitude) <= 90 && Math.abs(opts.longitude) <= 180
      settle(opts, valid, { errMsg: valid ? 'openLocation:ok' : 'openLocation:fail invalid coordinates' })
    },
  }

  // Navigation, feedback and other fire-and-forget APIs: just record them.
  ;[
    'navigateTo', 'redirectTo', 'switchTab', 'reLaunch', 'navigateBack',
    'showToast', 'showLoading', 'hideLoading', 'setNavigationBarTitle',
    'stopPullDownRefresh', 'previewImage', 'openPrivacyContract', 'makePhoneCall',
    'pageScrollTo', 'vibrateShort',
  ].forEach((name) => {
    fake[name] = (opts) => {
      record(name, opts)
      if (opts) settle(opts, true, { errMsg: name + ':ok' })
    }
  })

  fake.called = (name) => calls.filter((c) => c.name === name).map((c) => c.arg)
  fake.lastCall = (name) => {
    const list = fake.called(name)
    return list[list.length - 1]
  }
  fake.requestsTo = (method, path) => fake.requests.filter((r) => r.method === method && (path instanceof RegExp ? path.test(r.path) : r.path === path))
  return fake
}

// Routes every test needs: login answers with a fresh token each time.
function withLogin(fake, user = USER) {
  let n = 0
  fake.route('POST', '/api/v1/auth/wechat', () => ({
    statusCode: 200,
    data: { token: 'token-' + ++n, expires_in: 604800, user },
  }))
  return fake
}

// A fresh fake wx as the global, logged in as ``user``, whose GET /me answers that user.
function signedIn(user = USER) {
  const fake = withLogin(createFakeWx(), user)
  global.wx = fake
  fake.route('GET', '/api/v1/me', () => ({ statusCode: 200, data: { user } }))
  return fake
}

// Let pending promises and fake wx callbacks run.
async function flush(times = 10) {
  for (let i = 0; i < times; i++) {
    // eslint-disable-next-line no-await-in-loop
    await new Promise((r) => setTimeout(r, 0))
  }
}

module.exports = { createFakeWx, withLogin, signedIn, flush }
