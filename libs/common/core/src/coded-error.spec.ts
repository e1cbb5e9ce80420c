import { CodedError } from './coded-error';

const CODES = { DOWN: true, WRONG: false } as const;
class ExampleError extends CodedError<keyof typeof CODES> {
  override readonly name = 'ExampleError';
  constructor(code: keyof typeof CODES, message: string, options?: { cause?: unknown }) {
    super(code, message, CODES, options);
  }
}

describe('CodedError', () => {
  it.each([
    ['DOWN', true],
    ['WRONG', false],
  ] as const)('%s: retriable %s, code in the message, cause kept', (code, retriable) => {
    const cause = new Error('socket closed');
    const error = new ExampleError(code, 'reading x', { cause });
    expect(error).toMatchObject({ name: 'ExampleError', code, retriable, message: `${code}: reading x` });
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
  });
});
