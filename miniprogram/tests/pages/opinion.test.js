const { createFakeWx, withLogin, flush } = require('../helpers/fake-wx')
const { loadPage, resetApp, textOf, tap } = require('../helpers/page')
const { OPINION, OPINION_RATED, TEMPLATES, TEMPLATES_TWO_TAPS, ok } = require('../helpers/fixtures')

let fake
beforeEach(() => {
  resetApp()
  fake = withLogin(createFakeWx())
  global.wx = fake
  fake.route('GET', '/api/v1/opinions/41', ok({ opinion: OPINION }))
})

test('shows text, photos, reply, timeline and the rate button', async () => {
  const { comp } = loadPage('pages/opinion/opinion', { id: '41', created: '1' })
  await flush()
  const text = textOf(comp)
  expect(text).toContain('提交成功')
  expect(text).toContain('编号 LL-2026-000041')
  expect(text).toContain('已答复')
  expect(text).toContain('希望延长行人绿灯时间')
  expect(text).toContain('已协调交警部门将行人绿灯延长至45秒。')
  expect(text).toContain('138****1234')
  expect(text).toContain('2026-12-20')
  expect(comp.data.opinion.photos).toEqual(['https://liaison.example.gov.cn/uploads/up-1.jpg'])
  const timeline = comp.querySelector('timeline') || comp.querySelector('.card >>> .timeline')
  expect(text).toContain('已登记')
  expect(timeline).toBeTruthy()
  await tap(comp, '#rate-btn')
  expect(fake.lastCall('navigateTo').url).toBe('/pages/rate/rate?id=41')
})

// The backend sends reply.unit as {id, name} (or null): the page shows the unit's name.
test('shows the name of the unit that replied', async () => {
  const { comp } = loadPage('pages/opinion/opinion', { id: '41' })
  await flush()
  expect(textOf(comp)).toContain('岳麓区交警大队')
  expect(textOf(comp)).not.toContain('[object Object]')
})

test('a rated opinion shows the rating and no rate button', async () => {
  fake.route('GET', '/api/v1/opinions/41', ok({ opinion: OPINION_RATED }))
  const { comp, page } = loadPage('pages/opinion/opinion', { id: '41' })
  await flush()
  expect(textOf(comp)).toContain('基本满意')
  expect(textOf(comp)).toContain('还可以')
  expect(textOf(comp)).not.toContain('提交成功')
  expect(comp.querySelector('#rate-btn')).toBeFalsy()
  // Coming back to the page reloads it.
  page.onShow()
  await flush()
  expect(fake.requestsTo('GET', '/api/v1/opinions/41')).toHaveLength(2)
})

test('someone else\'s opinion: the backend message is shown', async () => {
  fake.route('GET', '/api/v1/opinions/7', () => ({ statusCode: 403, data: { error: { code: 'forbidden', message: '无权查看此意见' } } }))
  const { comp } = loadPage('pages/opinion/opinion', { id: '7' })
  await flush()
  expect(textOf(comp)).toContain('无权查看此意见')
})

// 订阅办理进度: each accepted one-time template is one later message, so the page offers
// another subscription; WeChat opens the dialog only from a tap.
describe('订阅办理进度', () => {
  beforeEach(() => {
    fake.templateKinds = { 'tmpl-closed': 'long_term' }
    fake.route('GET', '/api/v1/notifications/templates', ok(TEMPLATES))
    fake.route('POST', '/api/v1/notifications/consents', ok({ ok: true }))
  })

  test('the button asks from its tap, synchronously, and reports the consents', async () => {
    const { comp, page } = loadPage('pages/opinion/opinion', { id: '41' })
    await flush()
    expect(fake.called('requestSubscribeMessage')).toHaveLength(0) // never from onLoad
    expect(fake.requestsTo('GET', '/api/v1/notifications/templates')[0].query).toEqual({ audience: 'resident', moment: 'progress' })
    expect(textOf(comp)).toContain('订阅办理进度')
    page.onSubscribeTap()
    expect(fake.called('requestSubscribeMessage')).toHaveLength(1) // inside the tap, no await
    expect(fake.lastCall('requestSubscribeMessage').tmplIds).toEqual(TEMPLATES.request_groups[0])
    await flush()
    const [report] = fake.requestsTo('POST', '/api/v1/notifications/consents')
    expect(report.data.results).toEqual({ 'tmpl-replied': 'accept', 'tmpl-accepted': 'accept', 'tmpl-progress': 'accept' })
    expect(fake.lastCall('showToast').title).toBe('已订阅，办理进展会通过微信通知您')
    // Another tap is another grant.
    await tap(comp, '#subscribe-btn')
    await flush()
    expect(fake.called('requestSubscribeMessage')).toHaveLength(2)
  })

  test('more than one tap\'s worth: the button says so and the next tap asks the rest', async () => {
    fake.route('GET', '/api/v1/notifications/templates', ok(TEMPLATES_TWO_TAPS))
    const { comp } = loadPage('pages/opinion/opinion', { id: '41' })
    await flush()
    await tap(comp, '#subscribe-btn')
    await flush()
    expect(fake.lastCall('showToast').title).toBe('还有2项提醒，请再点一次')
    expect(textOf(comp)).toContain('继续订阅（还有2项）')
    await tap(comp, '#subscribe-btn')
    await flush()
    await tap(comp, '#subscribe-btn')
    await flush()
    expect(fake.called('requestSubscribeMessage').map((c) => c.tmplIds)).toEqual(TEMPLATES_TWO_TAPS.request_groups)
    expect(fake.refusals).toEqual([]) // no call mixed kinds or carried more than 3
    expect(textOf(comp)).toContain('订阅办理进度')
  })

  test('a refusal in the dialog is said, and nothing is reported', async () => {
    fake.answers.subscribe = (ids) => Object.assign({ errMsg: 'requestSubscribeMessage:ok' }, ...ids.map((id) => ({ [id]: 'reject' })))
    const { comp } = loadPage('pages/opinion/opinion', { id: '41' })
    await flush()
    await tap(comp, '#subscribe-btn')
    await flush()
    expect(fake.lastCall('showToast').title).toBe('未订阅，可随时再点此按钮')
  })

  test('a closed opinion has nothing more to hear: no button', async () => {
    fake.route('GET', '/api/v1/opinions/41', ok({ opinion: Object.assign({}, OPINION_RATED, { state: 'closed' }) }))
    const { comp } = loadPage('pages/opinion/opinion', { id: '41' })
    await flush()
    expect(comp.querySelector('#subscribe-btn')).toBeFalsy()
  })
})
