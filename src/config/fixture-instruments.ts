/**
 * The bundled fixture instruments (no live symbols). The sample data generator and the demo
 * config both use this list, so the data always matches the config.
 */
export interface FixtureInstrument {
  readonly id: string;
  readonly priceIncrement: string;
  readonly sizeIncrement: string;
  /** Starting price of the generated random walk, as a decimal string. */
  readonly startPrice: string;
  /** Typical volume per 1-minute bar, as a decimal string at the size increment. */
  readonly typicalVolume: string;
}

export const FIXTURE_INSTRUMENTS: readonly FixtureInstrument[] = [
  { id: 'FIX-ALPHA', priceIncrement: '0.01', sizeIncrement: '1', startPrice: '100.00', typicalVolume: '2000' },
  { id: 'FIX-BRAVO', priceIncrement: '0.05', sizeIncrement: '1', startPrice: '250.00', typicalVolume: '800' },
  { id: 'FIX-CHARLIE', priceIncrement: '0.5', sizeIncrement: '0.001', startPrice: '30000.0', typicalVolume: '5.000' },
  { id: 'FIX-DELTA', priceIncrement: '0.0001', sizeIncrement: '100', startPrice: '1.2000', typicalVolume: '500000' },
];
