const { signedIn, flush } = require('../helpers/fake-wx')
const { loadPage, resetApp, textOf, tap, fire, wxmlOf } = require('../helpers/page')
const { DEPUTY, DEPUTY_USER, INVITATION_ACCEPTED, PHONE_MISMATCH, USER, ok, fail } = require('../helpers/fixtures')

let fake
beforeEach(() => {
  resetApp()
})

function asUser(user) {
  fake = signedIn(user)
  fake.route('GET', '/api/v1/deputies/12', ok({ deputy: DEPUTY }))
}

test('a deputy sees levels, stations, their code and shares their card', async () => {
  asUser(DEPUTY_USER)
  const { comp, page } = loadPage('pages/deputy-me/deputy-me', {})
  await flush()
  const text = textOf(comp)
  expect(text).toContain('李秀兰')
  expect(text).toContain('市人大代表')
  expect(text).toContain('区人大代表')
  expect(text).toContain('岳麓区第一中学 教师')
  expect(text).toMatch(/岳麓街道人大代表联络站 ?驻站/)
  expect(text).toMatch(/桃子湖社区人大代表联络站 ?交叉进站/)
  expect(comp.data.deputy.qrUrl).toBe('https://liaison.example.gov.cn/api/v1/codes/Z9y-X8w_V7u6T5s4/qr.png')
  await tap(comp, '.code-card')
  expect(fake.lastCall('previewImage').current).toBe('https://liaison.example.gov.cn/api/v1/codes/Z9y-X8w_V7u6T5s4/poster.png')
  expect(wxmlOf('pages/deputy-me/deputy-me')).toMatch(/id="share-btn"[^>]*open-type="share"/)
  expect(page.onShareAppMessage()).toEqual({
    title: '李秀兰代表的联系卡', path: '/pages/deputy/deputy?id=12', imageUrl: comp.data.deputy.qrUrl,
  })
  await tap(comp, '#workbench-btn')
  expect(fake.lastCall('navigateTo').url).toBe('/pages/workbench/workbench')
  await tap(comp, '#duty-btn')
  expect(fake.lastCall('navigateTo').url).toBe('/pages/duty/duty')
})

test('binding: invitation code and the verified phone, then the identity is shown', async () => {
  asUser(USER)
  const { comp, page } = loadPage('pages/deputy-me/deputy-me', {})
  await flush()
  expect(textOf(comp)).toContain('绑定人大代表身份')
  expect(wxmlOf('pages/deputy-me/deputy-me')).toMatch(/id="phone-btn"[^>]*open-type="getPhoneNumber"[^>]*bindgetphonenumber="onPhoneNumber"/)
  // No code typed yet.
  await page.onPhoneNumber({ detail: { code: 'phone-code-1' } })
  expect(textOf(comp)).toContain('请先输入联络站给您的邀请码')
  page.onCodeInput({ detail: { value: ' INV-7Q2K ' } })
  // The deputy declined the phone number dialog.
  await page.onPhoneNumber({ detail: { errMsg: 'getPhoneNumber:fail user deny' } })
  expect(textOf(comp)).toContain('需要授权手机号才能核对代表档案')
  // A phone that is not the one on the roster: the backend's reason is shown.
  fake.route('POST', '/api/v1/invitations/INV-7Q2K/accept', fail(403, PHONE_MISMATCH))
  await page.onPhoneNumber({ detail: { code: 'phone-code-1' } })
  await flush()
  expect(textOf(comp)).toContain(PHONE_MISMATCH.error.message)
  // The right phone.
  fake.route('POST', '/api/v1/invitations/INV-7Q2K/accept', ok(INVITATION_ACCEPTED))
  fake.route('GET', '/api/v1/me', ok({ user: DEPUTY_USER }))
  await page.onPhoneNumber({ detail: { code: 'phone-code-2' } })
  await flush()
  expect(fake.requestsTo('POST', '/api/v1/invitations/INV-7Q2K/accept').pop().data).toEqual({ phone_code: 'phone-code-2' })
  expect(fake.lastCall('showToast').title).toBe('绑定成功')
  expect(textOf(comp)).toContain('我进站的联络站')
  expect(textOf(comp)).toContain('李秀兰')
})

test('a failed load says why; retry loads again', async () => {
  asUser(DEPUTY_USER)
  fake.route('GET', '/api/v1/deputies/12', () => ({ fail: 'request:fail timeout' }))
  const { comp } = loadPage('pages/deputy-me/deputy-me', {})
  await flush()
  expect(textOf(comp)).toContain('加载失败')
  fake.route('GET', '/api/v1/deputies/12', ok({ deputy: DEPUTY }))
  await fire(comp, '#load-error', 'primary')
  await flush()
  expect(textOf(comp)).toContain('我的代表码和联系卡')
})
