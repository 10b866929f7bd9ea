const entry = require('../utils/entry')

const TOKEN = 'Kx3pQ9vT2mWb7nRc'

describe('options.q (plain-URL QR code)', () => {
  test('station poster URL, encoded as WeChat delivers it', () => {
    expect(entry.parseEntryOptions({ q: 'https%3A%2F%2Fliaison.example.gov.cn%2Fs%2FKx3pQ9vT2mWb7nRc', scancode_time: '1764057600' }))
      .toEqual({ status: 'ok', token: TOKEN, kind: 'station', source: 'qrcode' })
  })

  test('deputy poster URL with a 22-character token containing _ and -', () => {
    const token = 'a_B-c9dE0fG1hI2jK3lM4n'
    expect(token).toHaveLength(22)
    const q = encodeURIComponent('https://liaison.example.gov.cn/d/' + token)
    expect(entry.parseEntryOptions({ q })).toEqual({ status: 'ok', token, kind: 'deputy', source: 'qrcode' })
  })

  test('double-encoded q, trailing slash, query string and a base path are accepted', () => {
    const once = encodeURIComponent('https://liaison.example.gov.cn/s/Kx3pQ9vT2mWb7nRc/?from=poster')
    expect(entry.parseEntryOptions({ q: encodeURIComponent(once) }).token).toBe(TOKEN)
    const withBase = encodeURIComponent('https://www.example.gov.cn/npc/s/Kx3pQ9vT2mWb7nRc')
    expect(entry.parseEntryOptions({ q: withBase })).toMatchObject({ status: 'ok', kind: 'station', token: TOKEN })
  })

  test('URLs that are not poster codes are invalid', () => {
    const bad = [
      'https://liaison.example.gov.cn/',
      'https://liaison.example.gov.cn/x/Kx3pQ9vT2mWb7nRc',
      'https://liaison.example.gov.cn/s/short',
      'https://liaison.example.gov.cn/s/Kx3pQ9vT2mWb7nRcTOOLONGTOKEN12',
      'https://liaison.example.gov.cn/s/Kx3pQ9vT2m%20b7nRc',
      'ftp://liaison.example.gov.cn/s/Kx3pQ9vT2mWb7nRc',
      'not a url',
    ]
    bad.forEach((url) => {
      expect(entry.parseEntryOptions({ q: encodeURIComponent(url) })).toEqual({ status: 'invalid', source: 'qrcode' })
    })
  })
})

describe('options.scene (wxacode)', () => {
  test('bare token', () => {
    expect(entry.parseEntryOptions({ scene: 'Q7wErT5yUi8oP3aSd2' }))
      .toEqual({ status: 'ok', token: 'Q7wErT5yUi8oP3aSd2', kind: null, source: 'wxacode' })
  })

  test('prefixed and URL-encoded tokens', () => {
    expect(entry.parseEntryOptions({ scene: 's%3DKx3pQ9vT2mWb7nRc' })).toMatchObject({ token: TOKEN, kind: 'station' })
    expect(entry.parseEntryOptions({ scene: 'd%3DZ9y-X8w_V7u6T5s4' })).toMatchObject({ token: 'Z9y-X8w_V7u6T5s4', kind: 'deputy' })
    expect(entry.parseEntryOptions({ scene: 't=Kx3pQ9vT2mWb7nRc' })).toMatchObject({ token: TOKEN, kind: null })
    expect(entry.parseEntryOptions({ scene: encodeURIComponent('x=1&t=Kx3pQ9vT2mWb7nRc') })).toMatchObject({ token: TOKEN })
  })

  test('garbage scenes are invalid', () => {
    ;['', 'abc', 'u=Kx3pQ9vT2mWb7nRc', 's=Kx3pQ9vT2m*b7nRc', '1047'].forEach((scene) => {
      const r = entry.parseEntryOptions({ scene })
      expect(r.status === 'invalid' || r.status === 'none').toBe(true)
    })
  })
})

describe('share card and plain launches', () => {
  test('?token= from a share card', () => {
    expect(entry.parseEntryOptions({ token: TOKEN })).toEqual({ status: 'ok', token: TOKEN, kind: null, source: 'share' })
    expect(entry.parseEntryOptions({ token: 'bad token' }).status).toBe('invalid')
  })

  test('no entry options', () => {
    expect(entry.parseEntryOptions({})).toEqual({ status: 'none' })
    expect(entry.parseEntryOptions(undefined)).toEqual({ status: 'none' })
  })

  test('in-app scan results', () => {
    expect(entry.parseScanResult({ result: 'https://liaison.example.gov.cn/d/Kx3pQ9vT2mWb7nRc', scanType: 'QR_CODE' }))
      .toMatchObject({ status: 'ok', kind: 'deputy', token: TOKEN })
    expect(entry.parseScanResult({ path: 'pages/index/index?scene=s%3DKx3pQ9vT2mWb7nRc', scanType: 'WX_CODE' }))
      .toMatchObject({ status: 'ok', kind: 'station', token: TOKEN })
    expect(entry.parseScanResult({ result: '6901234567892', scanType: 'EAN_13' }).status).toBe('invalid')
  })
})

describe('code lookup results', () => {
  test('target pages', () => {
    expect(entry.targetUrl({ kind: 'station', token: TOKEN, station: { id: 3 } })).toBe('/pages/station/station?id=3')
    expect(entry.targetUrl({ kind: 'deputy', token: TOKEN, deputy: { id: 12 } })).toBe('/pages/deputy/deputy?id=12')
    expect(entry.targetUrl({ kind: 'region' })).toBeNull()
  })

  test('error classification', () => {
    const rotated = { status: 410, code: 'code_rotated', details: { kind: 'station', token: 'NewTok3nNewTok3nAB' } }
    expect(entry.classifyCodeError(rotated)).toEqual({ state: 'rotated', token: 'NewTok3nNewTok3nAB', kind: 'station' })
    expect(entry.classifyCodeError({ status: 410, code: 'code_rotated', details: {} }).state).toBe('revoked')
    expect(entry.classifyCodeError({ status: 410, code: 'code_revoked' }).state).toBe('revoked')
    expect(entry.classifyCodeError({ status: 404, code: 'code_not_found' }).state).toBe('not_found')
    expect(entry.classifyCodeError({ status: 0, code: 'network_error' }).state).toBe('network')
    expect(entry.classifyCodeError({ status: 503, code: 'wechat_unavailable', message: '服务繁忙' }))
      .toEqual({ state: 'error', message: '服务繁忙' })
  })

  test('status views are in Chinese and offer a way on', () => {
    ;['invalid', 'rotated', 'revoked', 'not_found', 'network', 'error'].forEach((state) => {
      const v = entry.codeStatusView({ state })
      expect(v.title).toMatch(/[\u4e00-\u9fa5]/)
      expect(v.primary).toMatch(/[\u4e00-\u9fa5]/)
    })
    expect(entry.codeStatusView({ state: 'rotated' }).primary).toBe('继续前往')
    expect(entry.codeStatusView({ state: 'network' }).desc).toContain('网络不可用，请检查网络后重试')
  })
})
