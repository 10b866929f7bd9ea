const { createFakeWx, flush } = require('./helpers/fake-wx')
const { renderComponent, textOf, tap, wxmlOf } = require('./helpers/page')
const { DEPUTY_BRIEF, DEPUTY_BRIEF_2, OPINION } = require('./helpers/fixtures')

beforeEach(() => {
  global.wx = createFakeWx()
})

describe('status-view', () => {
  test('renders texts and emits button events', async () => {
    const comp = renderComponent('components/status-view/status-view', {
      type: 'warn', title: '此码已停用', desc: '请扫描新码', primaryText: '查找联络站', secondaryText: '',
    })
    expect(textOf(comp)).toContain('此码已停用')
    expect(textOf(comp)).toContain('请扫描新码')
    expect(comp.querySelector('#status-secondary')).toBeFalsy()
    const primary = jest.fn()
    comp.addEventListener('primary', primary)
    await tap(comp, '#status-primary')
    expect(primary).toHaveBeenCalledTimes(1)
  })

  test('the icon follows the type', async () => {
    const comp = renderComponent('components/status-view/status-view', { type: 'network', title: '网络不可用' })
    await flush()
    expect(comp.data.icon).toBe('warn')
    expect(comp.data.color).toBe('#fa5151')
    comp.setData({ type: 'loading' })
    await flush()
    expect(comp.data.icon).toBe('waiting')
    expect(comp.querySelector('#status-primary')).toBeFalsy()
  })
})

describe('deputy-card', () => {
  test('shows the initial when there is no photo, and the level labels', async () => {
    const comp = renderComponent('components/deputy-card/deputy-card', { deputy: DEPUTY_BRIEF })
    await flush()
    expect(textOf(comp).replace(/\s/g, '')).toBe('李李秀兰市人大代表区人大代表')
    expect(comp.querySelector('.avatar-text')).toBeTruthy()
    const open = jest.fn()
    comp.addEventListener('open', (e) => open(e.detail))
    await tap(comp, '.deputy-card')
    expect(open).toHaveBeenCalledWith({ id: 12 })
  })

  test('shows the photo when there is one', async () => {
    const comp = renderComponent('components/deputy-card/deputy-card', { deputy: DEPUTY_BRIEF_2 })
    await flush()
    expect(comp.querySelector('.avatar-text')).toBeFalsy()
    expect(comp.querySelector('.avatar')).toBeTruthy()
    expect(textOf(comp)).toContain('镇人大代表')
  })
})

describe('timeline', () => {
  test('lists events newest first with role labels and notes', async () => {
    const comp = renderComponent('components/timeline/timeline', { events: OPINION.events })
    await flush()
    const items = comp.querySelectorAll('.tl-item')
    expect(items).toHaveLength(3)
    expect(textOf(items[0])).toContain('答复')
    expect(textOf(items[0])).toContain('2026年11月28日 15:00')
    expect(textOf(items[0])).toContain('承办单位')
    expect(textOf(items[1])).toContain('已登记，三个工作日内交办')
    expect(textOf(items[2])).toContain('群众')
  })

  test('shows the public note and a different note of the same step', async () => {
    const events = [{ action: 'decline', action_label: '不予受理', at: '2026-11-21T09:00:00+08:00', actor_role: 'liaison',
      note: '不属于本站职责范围', public_note: null },
    { action: 'assign', action_label: '交办', at: '2026-11-22T09:00:00+08:00', actor_role: 'liaison',
      note: null, public_note: '已交住建局办理' }]
    const comp = renderComponent('components/timeline/timeline', { events })
    await flush()
    const items = comp.querySelectorAll('.tl-item')
    expect(textOf(items[0])).toContain('已交住建局办理')
    expect(comp.querySelectorAll('.tl-public')).toHaveLength(1)
    expect(textOf(items[1])).toContain('不属于本站职责范围')
  })

  test('says a moved deadline and keeps the earlier reply of a reopened case', async () => {
    const step = (action, label, extra) => ({ action, action_label: label, at: '2026-11-21T09:00:00+08:00',
      actor_role: 'liaison', note: null, public_note: null, deadline: null, reply: null, ...extra })
    const events = [step('release_reply', '答复', { reply: '已更换一盏灯头' }), step('reopen', '重办'),
      step('extend_deadline', '调整办理期限', { deadline: '2026-12-30' }),
      step('release_reply', '答复', { reply: '两盏都已修复' })]
    const comp = renderComponent('components/timeline/timeline', { events })
    await flush()
    const items = comp.querySelectorAll('.tl-item')
    expect(textOf(items[0])).not.toContain('两盏都已修复')
    expect(textOf(items[1])).toContain('办理期限延长至2026年12月30日')
    expect(textOf(items[3])).toContain('此前的答复：已更换一盏灯头')
  })

    test('empty timeline', async () => {
    const comp = renderComponent('components/timeline/timeline', { events: [] })
    await flush()
    expect(textOf(comp)).toBe('暂无办理记录')
  })
})

describe('privacy-popup', () => {
  test('opens when WeChat asks for consent and resolves agree / disagree', async () => {
    const privacy = require('../utils/privacy')
    const comp = renderComponent('components/privacy-popup/privacy-popup', {}, { 'utils/privacy': privacy })
    privacy.install()
    expect(typeof wx.privacyHandler).toBe('function')
    expect(textOf(comp)).toBe('')

    const resolve = jest.fn()
    wx.privacyHandler(resolve, { referrer: 'chooseMedia' })
    await flush()
    expect(textOf(comp)).toContain('用户隐私保护提示')
    expect(textOf(comp)).toContain('《联络站小程序隐私保护指引》')
    // The agree button must be WeChat's own consent button.
    expect(wxmlOf('components/privacy-popup/privacy-popup')).toMatch(
      /<button id="privacy-agree"[^>]*open-type="agreePrivacyAuthorization"[^>]*bindagreeprivacyauthorization="onAgree"/
    )
    await tap(comp, '.privacy-link')
    expect(wx.called('openPrivacyContract')).toHaveLength(1)
    comp.querySelector('#privacy-agree').dispatchEvent('agreeprivacyauthorization')
    await flush()
    expect(resolve).toHaveBeenCalledWith({ event: 'agree', buttonId: 'privacy-agree' })
    expect(textOf(comp)).toBe('')

    const resolve2 = jest.fn()
    wx.privacyHandler(resolve2, {})
    await flush()
    await tap(comp, '#privacy-disagree')
    expect(resolve2).toHaveBeenCalledWith({ event: 'disagree' })

    // Without any popup on the page the request is refused, not left hanging.
    comp.detach()
    const resolve3 = jest.fn()
    wx.privacyHandler(resolve3, {})
    expect(resolve3).toHaveBeenCalledWith({ event: 'disagree' })
  })
})
