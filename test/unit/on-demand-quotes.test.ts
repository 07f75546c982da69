// Reading on-demand prices from Price List product documents (the `PriceList` entries of
// GetProducts, parsed), and which types a refresh asks for.
import { onDemandPriceFrom, productPrice, typesToPrice } from '../../src/domain/on-demand-quotes';

type Dimensions = Record<string, { unit: string; pricePerUnit: Record<string, string> }>;

function doc(opts: { region?: string; type?: string; onDemand?: Dimensions[]; reserved?: Dimensions; attributes?: Record<string, unknown> } = {}): unknown {
  const sku = 'SKU1';
  const terms = (list: Dimensions[]) => Object.fromEntries(list.map((priceDimensions, i) => [`${sku}.TERM${i}`, { sku, offerTermCode: `TERM${i}`, priceDimensions }]));
  return {
    product: { sku, attributes: opts.attributes ?? { regionCode: opts.region ?? 'eu-central-1', instanceType: opts.type ?? 'c5.xlarge', operatingSystem: 'Linux' } },
    terms: { OnDemand: terms(opts.onDemand ?? [hourly('0.1940000000')]), ...(opts.reserved ? { Reserved: terms([opts.reserved]) } : {}) },
  };
}
function hourly(usd: string, code = 'RATE'): Dimensions {
  return { [`SKU1.TERM.${code}`]: { unit: 'Hrs', pricePerUnit: { USD: usd } } };
}

test.each<[string, unknown, ReturnType<typeof productPrice>]>([
  ['one hourly USD dimension', doc(), { region: 'eu-central-1', instanceType: 'c5.xlarge', usdPerHour: 0.194 }],
  ['several dimensions and terms: the highest', doc({ onDemand: [{ ...hourly('0.19', 'A'), ...hourly('0.21', 'B') }, hourly('0.2')] }), { region: 'eu-central-1', instanceType: 'c5.xlarge', usdPerHour: 0.21 }],
  ['a reserved term is ignored (even when dearer per hour)', doc({ reserved: { ...hourly('0.5'), upfront: { unit: 'Quantity', pricePerUnit: { USD: '900' } } } }), { region: 'eu-central-1', instanceType: 'c5.xlarge', usdPerHour: 0.194 }],
  ['non-USD only (China regions): no price', doc({ onDemand: [{ r: { unit: 'Hrs', pricePerUnit: { CNY: '1.3' } } }] }), undefined],
  ['USD beside another currency: the USD one', doc({ onDemand: [{ r: { unit: 'Hrs', pricePerUnit: { CNY: '9', USD: '0.3' } } }] }), { region: 'eu-central-1', instanceType: 'c5.xlarge', usdPerHour: 0.3 }],
  ['a zero price is no price (never free)', doc({ onDemand: [hourly('0.0000000000')] }), undefined],
  ['not per hour: no price', doc({ onDemand: [{ r: { unit: 'Quantity', pricePerUnit: { USD: '12' } } }] }), undefined],
  ['no on-demand term at all', { product: { attributes: { regionCode: 'eu-central-1', instanceType: 'c5.xlarge' } }, terms: { Reserved: {} } }, undefined],
  ['a malformed price string', doc({ onDemand: [hourly('0.19 USD')] }), undefined],
  ['no instance type attribute', doc({ attributes: { regionCode: 'eu-central-1' } }), undefined],
  ['not a document', 'c5.xlarge 0.19', undefined],
  ['null', null, undefined],
])('%s', (_name, input, expected) => {
  expect(productPrice(input)).toEqual(expected);
});

test('the price of a type in a region: documents of other types and regions are ignored, the highest of the rest wins', () => {
  const docs = [
    doc({ onDemand: [hourly('0.19')] }), doc({ onDemand: [hourly('0.23')] }),
    doc({ region: 'us-east-1', onDemand: [hourly('0.9')] }), doc({ type: 'c5.2xlarge', onDemand: [hourly('0.9')] }), 'garbage',
  ];
  expect(onDemandPriceFrom(docs, 'eu-central-1', 'c5.xlarge')).toBe(0.23);
  expect(onDemandPriceFrom(docs, 'us-west-1', 'c5.xlarge')).toBeUndefined();
  expect(onDemandPriceFrom([], 'eu-central-1', 'c5.xlarge')).toBeUndefined();
});

test.each([
  ['the daily refresh asks for every type used', ['a', 'b'], ['a'], false, ['a', 'b']],
  ['a definition change asks only for the types without a price', ['a', 'b', 'c'], ['a', 'x'], true, ['b', 'c']],
  ['nothing missing: nothing asked', ['a'], ['a'], true, []],
])('%s', (_name, used, stored, onlyMissing, expected) => {
  expect(typesToPrice(used, stored, onlyMissing)).toEqual(expected);
});
