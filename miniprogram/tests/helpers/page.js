// Load pages and components into miniprogram-simulate.
//
// miniprogram-simulate 1.6 loads *components* (simulate.load(path) reads
// <path>.json/.wxml/.wxss and runs <path>.js, which must call Component()).
// A page calls Page() instead, so a global Page shim turns the page
// definition into a component definition: its data stays data, every
// function (lifecycle hooks included) becomes a method, and loadPage() then
// calls onLoad(options) / onShow() / onReady() as WeChat would.
// Each load runs in jest.isolateModules so that a page's JS is executed
// again for every load (jest ignores require.cache deletes).

const path = require('path')
const simulate = require('miniprogram-simulate')
const { flush } = require('./fake-wx')

const ROOT = path.resolve(__dirname, '..', '..')

const pageStack = []
const app = { globalData: {} }

global.getApp = () => app
global.getCurrentPages = () => pageStack.slice()
global.App = (def) => Object.assign(app, def)

global.Page = (def) => {
  const data = JSON.parse(JSON.stringify(def.data || {}))
  const methods = {}
  const extras = {}
  Object.keys(def).forEach((k) => {
    if (k === 'data') return
    if (typeof def[k] === 'function') methods[k] = def[k]
    else extras[k] = def[k]
  })
  global.Component({
    data,
    methods,
    lifetimes: {
      created() {
        Object.assign(this, JSON.parse(JSON.stringify(extras)))
      },
    },
  })
}

// shared: {'utils/privacy': instance} hands the loaded code the test's own
// instance of a module instead of a fresh one.
function loadIsolated(relPath, shared) {
  let id
  jest.isolateModules(() => {
    Object.keys(shared || {}).forEach((mod) => {
      jest.doMock(path.join(ROOT, mod), () => shared[mod])
    })
    id = simulate.load(path.join(ROOT, relPath), { compiler: 'simulate', rootPath: ROOT })
    Object.keys(shared || {}).forEach((mod) => jest.dontMock(path.join(ROOT, mod)))
  })
  return id
}

function renderComponent(relPath, props, shared) {
  const id = loadIsolated(relPath, shared)
  const comp = simulate.render(id, props)
  comp.attach(document.createElement('parent-wrapper'))
  return comp
}

// Load a page (e.g. 'pages/index/index'), run onLoad(options)/onShow/onReady.
function loadPage(route, options = {}, shared) {
  const id = loadIsolated(route, shared)
  const comp = simulate.render(id)
  comp.attach(document.createElement('parent-wrapper'))
  const page = comp.instance
  page.route = route
  page.options = options
  pageStack.push(page)
  if (page.onLoad) page.onLoad(options)
  if (page.onShow) page.onShow()
  if (page.onReady) page.onReady()
  return { comp, page }
}

function resetApp() {
  pageStack.length = 0
  Object.keys(app).forEach((k) => delete app[k])
  app.globalData = {}
}

// Text of the rendered tree, whitespace collapsed.
function textOf(comp) {
  return comp.dom.textContent.replace(/\s+/g, ' ').trim()
}

// Dispatch an event on the node matching selector (a native node or a
// custom component) and let the handler run (simulate dispatches async).
// "#entry-status >>> #status-primary" descends into a custom component.
function find(comp, selector) {
  return selector.split(' >>> ').reduce((node, part) => (node ? node.querySelector(part.trim()) : null), comp)
}

async function fire(comp, selector, eventName, detail) {
  const node = find(comp, selector)
  if (!node) throw new Error('no node for ' + selector)
  node.dispatchEvent(eventName, { detail: detail || {} })
  await flush()
  return node
}

function tap(comp, selector, detail) {
  return fire(comp, selector, 'tap', detail)
}

module.exports = { ROOT, loadPage, renderComponent, resetApp, textOf, tap, fire, find, app, simulate }

// The WXML source, for attributes the simulator does not keep on the DOM
// (open-type of native buttons).
module.exports.wxmlOf = (relPath) => require('fs').readFileSync(path.join(ROOT, relPath + '.wxml'), 'utf8')
