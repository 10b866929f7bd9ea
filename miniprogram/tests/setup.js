// Fail a test when anything logs an error: miniprogram-simulate dispatches
// events asynchronously and only console.error()s what a handler throws.
let errors = []
const original = console.error

beforeEach(() => {
  errors = []
  console.error = (...args) => {
    errors.push(args.map(String).join(' '))
    original(...args)
  }
})

afterEach(() => {
  console.error = original
  if (errors.length) throw new Error('console.error was called:\n' + errors.join('\n'))
})
