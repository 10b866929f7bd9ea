const { createFakeWx, flush } = require('./helpers/fake-wx')
const { renderComponent, textOf, tap } = require('./helpers/page')

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
})
