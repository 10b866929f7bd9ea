const { createFakeWx, withLogin } = require('./helpers/fake-wx')

let fake
let req
let api

beforeEach(() => {
  jest.resetModules()
  fake = createFakeWx()
  global.wx = fake
  req = require('../utils/request')
  api = require('../utils/api')
})

const BASE = 'https://liaison.example.gov.cn'
const OPINION = { id: 41, number: 'LL-2026-000041', state: 'submitted' }

describe('login', () => {
  test('wx.login code is exchanged for a token, stored and sent as Bearer', async () => {
    withLogin(fake)
    fake.route('GET', '/api/v1/me', (r) => ({ statusCode: 200, data: { user: { id: 1, auth: r.header.Authorization } } }))
    const res = await api.me()
    expect(res.user.auth).toBe('Bearer token-1')
    const login = fake.requestsTo('POST', '/api/v1/auth/wechat')
    expect(login).toHaveLength(1)
    expect(login[0].url).toBe(BASE + '/api/v1/auth/wechat')
    expect(login[0].data).toEqual({ code: 'wxcode-1' })
    expect(fake.storage.get(req.TOKEN_KEY)).toBe('token-1')
    expect(fake.storage.get(req.USER_KEY)).toMatchObject({ nickname: '微信用户' })
    // A second call reuses the stored token.
    await api.me()
    expect(fake.called('login')).toHaveLength(1)
  })

  test('concurrent calls share one login', async () => {
    withLogin(fake)
    fake.route('GET', '/api/v1/messages', () => ({ statusCode: 200, data: { items: [] } }))
    await Promise.all([api.listMessages(), api.listMessages(), api.me().catch(() => null)])
    expect(fake.called('login')).toHaveLength(1)
    expect(fake.requestsTo('POST', '/api/v1/auth/wechat')).toHaveLength(1)
  })

  test('an expired token is replaced before the call', async () => {
    withLogin(fake)
    fake.storage.set('auth_token', 'old')
    fake.storage.set('auth_token_expires_at', Date.now() - 1000)
    fake.route('GET', '/api/v1/messages', (r) => ({ statusCode: 200, data: { auth: r.header.Authorization } }))
    expect((await api.listMessages()).auth).toBe('Bearer token-1')
  })

  test('login failures surface as Chinese errors', async () => {
    fake.route('POST', '/api/v1/auth/wechat', () => ({
      statusCode: 400, data: { error: { code: 'wechat_code_used', message: '登录凭证已使用，请重试' } },
    }))
    await expect(api.me()).rejects.toMatchObject({ status: 400, code: 'wechat_code_used', message: '登录凭证已使用，请重试' })
    fake.answers.login = () => ({ fail: 'login:fail' })
    await expect(api.me()).rejects.toMatchObject({ code: 'login_failed', message: '微信登录失败，请稍后重试' })
  })

  test('public calls neither log in nor send a token', async () => {
    fake.route('GET', '/api/v1/stations', (r) => ({ statusCode: 200, data: { items: [], total: 0, query: r.query } }))
    const res = await api.listStations({ q: '岳麓 街道', page: 2 })
    expect(res.query).toEqual({ q: '岳麓 街道', page: '2' })
    expect(fake.called('login')).toHaveLength(0)
    expect(fake.requests[0].header.Authorization).toBeUndefined()
  })
})

describe('401 handling', () => {
  test('a 401 triggers one silent re-login and the call is replayed', async () => {
    withLogin(fake)
    fake.storage.set('auth_token', 'stale-token')
    fake.route('GET', '/api/v1/opinions/41', (r) =>
      r.header.Authorization === 'Bearer stale-token'
        ? { statusCode: 401, data: { error: { code: 'unauthorized', message: '登录已过期' } } }
        : { statusCode: 200, data: { opinion: OPINION } }
    )
    const res = await api.getOpinion(41)
    expect(res.opinion.id).toBe(41)
    const calls = fake.requestsTo('GET', '/api/v1/opinions/41')
    expect(calls.map((c) => c.header.Authorization)).toEqual(['Bearer stale-token', 'Bearer token-1'])
    expect(fake.storage.get('auth_token')).toBe('token-1')
  })

  test('a second 401 is not retried again', async () => {
    withLogin(fake)
    fake.route('GET', '/api/v1/messages', () => ({ statusCode: 401, data: { error: { code: 'unauthorized', message: '登录已失效' } } }))
    await expect(api.listMessages()).rejects.toMatchObject({ status: 401, code: 'unauthorized', message: '登录已失效' })
    expect(fake.requestsTo('GET', '/api/v1/messages')).toHaveLength(2)
    expect(fake.requestsTo('POST', '/api/v1/auth/wechat')).toHaveLength(2)
  })

  test('uploads re-login on 401 too and parse the string body', async () => {
    withLogin(fake)
    fake.storage.set('auth_token', 'stale-token')
    fake.route('POST', '/api/v1/uploads', (r) =>
      r.header.Authorization === 'Bearer stale-token'
        ? { statusCode: 401, data: { error: { code: 'unauthorized', message: '登录已过期' } } }
        : { statusCode: 201, data: { id: 'up-1', url: '/uploads/up-1.jpg', name: r.name, file: r.filePath } }
    )
    const res = await api.uploadPhoto('wxfile://tmp/a.jpg')
    expect(res).toEqual({ id: 'up-1', url: '/uploads/up-1.jpg', name: 'file', file: 'wxfile://tmp/a.jpg' })
    expect(fake.called('uploadFile')).toHaveLength(2)
  })
})

describe('idempotent submit', () => {
  const body = { station_id: 3, deputy_id: null, category: 'traffic', text: '路灯坏了一个月', photo_ids: [], contact_phone: null, phone_code: null, anonymous: false }

  test('the key survives a network failure and is reused on retry, then dropped', async () => {
    withLogin(fake)
    let attempt = 0
    fake.route('POST', '/api/v1/opinions', () => {
      attempt += 1
      // First attempt: the server stored it but the answer was lost.
      if (attempt === 1) return { fail: 'request:fail timeout' }
      return { statusCode: 200, data: { opinion: OPINION } }
    })
    await expect(api.createOpinion('s3-d0', body)).rejects.toMatchObject({ code: 'network_error', message: '网络不可用，请检查网络后重试' })
    const stored = fake.storage.get('idem:s3-d0')
    expect(stored).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)

    // The app is closed and opened again: a fresh module, same storage.
    jest.resetModules()
    const api2 = require('../utils/api')
    const res = await api2.createOpinion('s3-d0', body)
    expect(res.opinion.id).toBe(41)
    const sent = fake.requestsTo('POST', '/api/v1/opinions')
    expect(sent.map((r) => r.header['Idempotency-Key'])).toEqual([stored, stored])
    expect(sent[1].data).toEqual(body)
    expect(fake.storage.has('idem:s3-d0')).toBe(false)

    // The next draft gets a new key.
    await api2.createOpinion('s3-d0', body)
    const third = fake.requestsTo('POST', '/api/v1/opinions')[2].header['Idempotency-Key']
    expect(third).not.toBe(stored)
  })

  test('the key is kept after a server error and differs per draft', async () => {
    withLogin(fake)
    fake.route('POST', '/api/v1/opinions', () => ({ statusCode: 500, data: { error: { code: 'internal_error', message: '服务器内部错误' } } }))
    await expect(api.createOpinion('s3-d0', body)).rejects.toMatchObject({ status: 500, message: '服务器内部错误' })
    await expect(api.createOpinion('s3-d7', body)).rejects.toThrow()
    const keys = fake.requestsTo('POST', '/api/v1/opinions').map((r) => r.header['Idempotency-Key'])
    expect(keys[0]).not.toBe(keys[1])
    expect(fake.storage.get('idem:s3-d0')).toBe(keys[0])
    expect(fake.storage.get('idem:s3-d7')).toBe(keys[1])
  })
})

describe('errors', () => {
  test('the backend error shape gives message, code and field details', async () => {
    withLogin(fake)
    fake.route('POST', '/api/v1/opinions/41/transitions', () => ({
      statusCode: 422,
      data: { error: { code: 'validation_error', message: '请填写不满意的原因', details: { fields: { comment: ['不能为空'] } } } },
    }))
    let err
    try {
      await api.rateOpinion(41, 'unsatisfied', '')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(req.ApiError)
    expect(err).toMatchObject({ status: 422, code: 'validation_error', message: '请填写不满意的原因' })
    expect(req.fieldErrors(err)).toEqual({ comment: '不能为空' })
    expect(req.errorMessage(err)).toBe('请填写不满意的原因')
    expect(fake.requestsTo('POST', '/api/v1/opinions/41/transitions')[0].data).toEqual({ action: 'rate', rating: 'unsatisfied', comment: '' })
  })

  test('answers without the error shape fall back to Chinese by status', async () => {
    fake.route('GET', '/api/v1/stations/9', () => ({ statusCode: 502, data: '<html>Bad Gateway</html>' }))
    await expect(api.getStation(9)).rejects.toMatchObject({ status: 502, code: 'server_error', message: '服务暂时不可用，请稍后再试' })
    fake.route('GET', '/api/v1/stations/8', () => ({ statusCode: 418, data: '' }))
    await expect(api.getStation(8)).rejects.toMatchObject({ status: 418, message: '操作失败，请稍后重试' })
  })

  test('network failure', async () => {
    fake.route('GET', '/api/v1/codes/Kx3pQ9vT2mWb7nRc', () => ({ fail: 'request:fail -101:net::ERR_INTERNET_DISCONNECTED' }))
    const err = await api.resolveCode('Kx3pQ9vT2mWb7nRc').catch((e) => e)
    expect(err.isNetwork).toBe(true)
    expect(req.errorMessage(err)).toBe('网络不可用，请检查网络后重试')
    expect(req.errorMessage({ errMsg: 'request:fail' })).toBe('网络不可用，请检查网络后重试')
  })
})

describe('config', () => {
  test('the API base follows envVersion, with a develop-only override', () => {
    const config = require('../utils/config')
    global.wx = createFakeWx({ envVersion: 'develop' })
    expect(config.apiBase()).toBe('http://127.0.0.1:5000')
    wx.setStorageSync('dev_api_base', 'http://192.0.2.10:5000/')
    expect(config.apiBase()).toBe('http://192.0.2.10:5000')
    global.wx = createFakeWx({ envVersion: 'trial' })
    wx.setStorageSync('dev_api_base', 'http://192.0.2.10:5000')
    expect(config.apiBase()).toBe('https://trial.liaison.example.gov.cn')
    global.wx = createFakeWx({ envVersion: 'release' })
    expect(config.apiBase()).toBe('https://liaison.example.gov.cn')
    global.wx = { getAccountInfoSync: () => { throw new Error('no') }, getStorageSync: () => '' }
    expect(config.apiBase()).toBe('https://liaison.example.gov.cn')
  })
})
