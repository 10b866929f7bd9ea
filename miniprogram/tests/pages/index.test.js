const { createFakeWx, withLogin, flush } = require('../helpers/fake-wx')
const { loadPage, resetApp, textOf, tap, fire } = require('../helpers/page')
const { STATION, STATION_BRIEF, DEPUTY, STATION_CODE, DEPUTY_CODE, CODE_ROTATED, CODE_REVOKED, CODE_UNKNOWN, ok, fail } = require('../helpers/fixtures')

const TOKEN = STATION_CODE.token
const NEW_TOKEN = CODE_ROTATED.error.details.token

let fake
beforeEach(() => {
  resetApp()
  fake = withLogin(createFakeWx())
  global.wx = fake
  fake.route('GET', '/api/v1/stations', (req) => ({
    statusCode: 200,
    data: { items: req.query.q === '无此站' ? [] : [STATION_BRIEF], total: req.query.q === '无此站' ? 0 : 1, page: 1, per_page: 20 },
  }))
  fake.route('GET', '/api/v1/codes/' + TOKEN, ok(STATION_CODE))
  fake.route('GET', '/api/v1/codes/' + DEPUTY.code_token, ok(DEPUTY_CODE))
})

test('plain-URL code in options.q opens the station page', async () => {
  const { comp } = loadPage('pages/index/index', {
    q: 'https%3A%2F%2Fliaison.example.gov.cn%2Fs%2FKx3pQ9vT2mWb7nRc', scancode_time: '1764057600',
  })
  expect(textOf(comp)).toContain('正在打开')
  await flush()
  expect(fake.lastCall('navigateTo').url).toBe('/pages/station/station?id=3')
  expect(fake.requestsTo('GET', '/api/v1/codes/' + TOKEN)[0].header.Authorization).toBeUndefined()
  // Back on this page: the directory, not the spinner.
  expect(textOf(comp)).toContain('岳麓街道人大代表联络站')
})

test('wxacode scene with d= prefix opens the deputy page', async () => {
  loadPage('pages/index/index', { scene: encodeURIComponent('d=' + DEPUTY.code_token) })
  await flush()
  expect(fake.lastCall('navigateTo').url).toBe('/pages/deputy/deputy?id=12')
})

test('share card ?token= opens the station page', async () => {
  loadPage('pages/index/index', { token: TOKEN })
  await flush()
  expect(fake.lastCall('navigateTo').url).toBe('/pages/station/station?id=3')
})

test('rotated code offers to continue to the current token', async () => {
  fake.route('GET', '/api/v1/codes/Old0ldOld0ldOld0ld', fail(410, CODE_ROTATED))
  fake.route('GET', '/api/v1/codes/' + NEW_TOKEN, ok({ kind: 'station', token: NEW_TOKEN, station: STATION }))
  const { comp } = loadPage('pages/index/index', { scene: 'Old0ldOld0ldOld0ld' })
  await flush()
  expect(textOf(comp)).toContain('此码已更换')
  expect(textOf(comp)).toContain('继续前往')
  expect(fake.called('navigateTo')).toHaveLength(0)
  await tap(comp, '#entry-status >>> #status-primary')
  expect(fake.lastCall('navigateTo').url).toBe('/pages/station/station?id=3')
})

test('revoked and unknown codes explain themselves and lead to the directory', async () => {
  fake.route('GET', '/api/v1/codes/Rev0kedRev0kedRev0', fail(410, CODE_REVOKED))
  let { comp } = loadPage('pages/index/index', { scene: 'Rev0kedRev0kedRev0' })
  await flush()
  expect(textOf(comp)).toContain('此码已停用')
  await tap(comp, '#entry-status >>> #status-primary')
  expect(textOf(comp)).toContain('联络站（共 1 个）')

  fake.route('GET', '/api/v1/codes/Unkn0wnUnkn0wnUnkn', fail(404, CODE_UNKNOWN))
  ;({ comp } = loadPage('pages/index/index', { q: encodeURIComponent('https://liaison.example.gov.cn/s/Unkn0wnUnkn0wnUnkn') }))
  await flush()
  expect(textOf(comp)).toContain('未找到对应的联络站或代表')
})

test('no network shows a retry that works once the network is back', async () => {
  let down = true
  fake.route('GET', '/api/v1/codes/' + TOKEN, () =>
    down ? { fail: 'request:fail timeout' } : { statusCode: 200, data: STATION_CODE }
  )
  const { comp } = loadPage('pages/index/index', { token: TOKEN })
  await flush()
  expect(textOf(comp)).toContain('网络不可用，请检查网络后重试')
  down = false
  await tap(comp, '#entry-status >>> #status-primary')
  expect(fake.lastCall('navigateTo').url).toBe('/pages/station/station?id=3')
})

test('a code that is not ours is reported without calling the backend', async () => {
  const { comp } = loadPage('pages/index/index', { q: encodeURIComponent('https://example.com/hello') })
  await flush()
  expect(textOf(comp)).toContain('无法识别此二维码')
  expect(fake.requestsTo('GET', /\/api\/v1\/codes\//)).toHaveLength(0)
})

test('directory lists, searches and opens stations; in-app scan works', async () => {
  const { comp } = loadPage('pages/index/index', {})
  await flush()
  expect(textOf(comp)).toContain('岳麓街道人大代表联络站')
  expect(textOf(comp)).toContain('长沙市/岳麓区/岳麓街道')
  await fire(comp, '#search-input', 'input', { value: '无此站' })
  await fire(comp, '#search-input', 'confirm', { value: '无此站' })
  expect(fake.requests[fake.requests.length - 1].query.q).toBe('无此站')
  expect(textOf(comp)).toContain('没有找到联络站')
  await tap(comp, '#search-clear')
  await tap(comp, '.station-item')
  expect(fake.lastCall('navigateTo').url).toBe('/pages/station/station?id=3')
  await tap(comp, '#scan-btn')
  expect(fake.lastCall('scanCode').scanType).toEqual(['qrCode', 'wxCode'])
  expect(fake.called('navigateTo')).toHaveLength(2)
})

test('large text preference is applied as a page class', async () => {
  fake.storage.set('pref_large_text', true)
  const { comp } = loadPage('pages/index/index', {})
  await flush()
  expect(comp.data.pageClass).toBe('page large-text')
  expect(comp.dom.querySelector('.main--large-text')).toBeTruthy()
})

describe('a deputy scanning their own station code checks in (进站履职)', () => {
  const { DEPUTY_BRIEF, CHECK_IN } = require('../helpers/fixtures')
  const { createFakeWx: makeFake } = require('../helpers/fake-wx')
  const checkin = require('../../utils/checkin')
  const SCAN = { q: 'https%3A%2F%2Fliaison.example.gov.cn%2Fs%2FKx3pQ9vT2mWb7nRc', scancode_time: '1764057600' }
  const HERE = { latitude: 28.1963, longitude: 112.9535 } // the fake phone's position (GCJ-02)
  const VERIFIED = Object.assign({}, CHECK_IN, {
    message: '已签到，进站履职已记录',
    check_in: Object.assign({}, CHECK_IN.check_in, { verified: true, unverified_reason: null, distance_m: 40 }),
  })

  function asDeputy(answer = VERIFIED) {
    fake.setStorageSync('auth_user', { id: 7, nickname: '王明', roles: [], deputy_id: DEPUTY_BRIEF.id })
    fake.route('POST', '/api/v1/check-ins', () => ({ statusCode: 201, data: answer }))
  }

  test('scan by the deputy sends the check-in with the scanned token and the phone position', async () => {
    asDeputy()
    loadPage('pages/index/index', SCAN)
    await flush(20)
    expect(fake.called('getLocation').map((o) => o.type)).toEqual(['gcj02'])
    const posts = fake.requestsTo('POST', '/api/v1/check-ins')
    expect(posts).toHaveLength(1)
    expect(posts[0].data).toEqual({ token: TOKEN, latitude: HERE.latitude, longitude: HERE.longitude })
    expect(fake.lastCall('showToast')).toMatchObject({ title: '已签到，进站履职已记录', icon: 'success' })
    expect(fake.lastCall('navigateTo').url).toBe('/pages/station/station?id=3')
  })

  test('location refused: the check-in still goes through, without coordinates, and says it waits for staff', async () => {
    fake.answers.getLocation = () => ({ fail: 'getLocation:fail auth deny' })
    const waiting = Object.assign({}, CHECK_IN, { message: '未获取到手机位置，已记录，待工作人员确认' })
    asDeputy(waiting)
    loadPage('pages/index/index', SCAN)
    await flush(20)
    const posts = fake.requestsTo('POST', '/api/v1/check-ins')
    expect(posts).toHaveLength(1)
    expect(posts[0].data).toEqual({ token: TOKEN })
    expect(fake.lastCall('showToast')).toMatchObject({ title: '未获取到手机位置，已记录，待工作人员确认', icon: 'none' })
  })

  test('far from the station: the backend\'s distance is shown', async () => {
    asDeputy(CHECK_IN)
    loadPage('pages/index/index', SCAN)
    await flush(20)
    expect(fake.lastCall('showToast')).toMatchObject({ title: '距联络站约3.2公里，已记录，待工作人员确认', icon: 'none' })
  })

  test('a share card or a resident never checks in nor asks for the location', async () => {
    asDeputy()
    loadPage('pages/index/index', { token: TOKEN })
    await flush(20)
    expect(fake.requestsTo('POST', '/api/v1/check-ins')).toHaveLength(0)
    fake.setStorageSync('auth_user', { id: 8, nickname: '居民', roles: [], deputy_id: null })
    loadPage('pages/index/index', SCAN)
    await flush(20)
    expect(fake.requestsTo('POST', '/api/v1/check-ins')).toHaveLength(0)
    expect(fake.called('getLocation')).toHaveLength(0)
  })

  test('the position is given up on after a timeout, and nonsense fixes are dropped', async () => {
    fake.answers.getLocation = () => ({ hang: true })
    await expect(checkin.currentPosition(30)).resolves.toBeNull()
    fake.answers.getLocation = () => ({ latitude: NaN, longitude: 112.95 })
    await expect(checkin.currentPosition(1000)).resolves.toBeNull()
    fake.answers.getLocation = () => HERE
    await expect(checkin.currentPosition(1000)).resolves.toEqual(HERE)
  })

  test('app.json declares getLocation with a reason, or WeChat refuses it', async () => {
    const errMsg = (appJson) => new Promise((resolve) => {
      makeFake({ appJson }).getLocation({ type: 'gcj02', success: resolve, fail: resolve })
    }).then((res) => res.errMsg)
    await expect(errMsg({ permission: { 'scope.userLocation': { desc: '核验' } } })).resolves.toMatch(/requiredPrivateInfos/)
    await expect(errMsg({ requiredPrivateInfos: ['getLocation'] })).resolves.toBe('getLocation:fail require permission desc')
    global.wx = makeFake({ appJson: { requiredPrivateInfos: [] } })
    await expect(checkin.currentPosition(1000)).resolves.toBeNull()
    const app = require('../../app.json')
    expect(app.requiredPrivateInfos).toContain('getLocation')
    expect(app.permission['scope.userLocation'].desc).toMatch(/签到/)
  })
})
