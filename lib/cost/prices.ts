/**
 * Hourly list prices of Studio app instance types, per region: the shipped table (data, with its source and
 * date) or a JSON file named by INSTANCE_PRICES_FILE in the same shape. Costs shown are estimates from
 * these list prices (on-demand, no savings plans, no storage), never a bill.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '@/lib/errors';

export interface PriceTable {
  /** Where the prices come from (a URL or a document name). */
  source: string;
  /** When they were read (YYYY-MM-DD). */
  asOf: string;
  currency: string;
  /** region -> instance type -> price per hour. */
  prices: Record<string, Record<string, number>>;
}

const US_EAST_1: Record<string, number> = {
  'ml.t3.medium': 0.05,
  'ml.t3.large': 0.1,
  'ml.t3.xlarge': 0.2,
  'ml.t3.2xlarge': 0.399,
  'ml.m5.large': 0.115,
  'ml.m5.xlarge': 0.23,
  'ml.m5.2xlarge': 0.461,
  'ml.m5.4xlarge': 0.922,
  'ml.c5.large': 0.102,
  'ml.c5.xlarge': 0.204,
  'ml.c5.2xlarge': 0.408,
  'ml.r5.large': 0.151,
  'ml.r5.xlarge': 0.302,
  'ml.g4dn.xlarge': 0.7364,
  'ml.g4dn.2xlarge': 1.0528,
  'ml.g5.xlarge': 1.408,
  'ml.g5.2xlarge': 1.515,
  'ml.p3.2xlarge': 3.825,
};

/**
 * The shipped table: SageMaker AI on-demand pricing, "Studio notebooks / JupyterLab and Code Editor" instance
 * prices for us-east-1 as published on the pricing page; other regions are priced by configuration.
 */
export const SHIPPED_PRICE_TABLE: PriceTable = {
  source: 'https://aws.amazon.com/sagemaker/pricing/ (on-demand, Studio JupyterLab / Code Editor instances)',
  asOf: '2024-11-01',
  currency: 'USD',
  prices: { 'us-east-1': US_EAST_1 },
};

const INSTANCE_TYPE = /^ml\.[a-z0-9-]+\.[a-z0-9]+$/;
const priceTableSchema = z.object({
  source: z.string().min(1, { error: 'source must name where the prices come from' }),
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'asOf must be a date YYYY-MM-DD' }),
  currency: z.string().regex(/^[A-Z]{3}$/, { error: 'currency must be an ISO code such as USD' }),
  prices: z.record(
    z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'prices must be keyed by region (us-east-1)' }),
    z.record(
      z.string().regex(INSTANCE_TYPE, { error: 'instance types look like ml.t3.medium' }),
      z.number().nonnegative({ error: 'prices must be numbers >= 0' }),
    ),
  ),
});

/** Reads and checks a price table file; a bad file is a configuration error naming what is wrong. */
export function parsePriceTable(json: string, name = 'INSTANCE_PRICES_FILE'): PriceTable {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new ConfigError(`${name} is not valid JSON`);
  }
  const parsed = priceTableSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${name}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

let loaded: { file?: string; table: PriceTable } | undefined;

/** The price table configuration asks for (read once per file). */
export function priceTableFor(file: string | undefined): PriceTable {
  if (loaded && loaded.file === file) return loaded.table;
  const table = file ? parsePriceTable(readFileSync(file, 'utf8')) : SHIPPED_PRICE_TABLE;
  loaded = { file, table };
  return table;
}

/** The hourly price of an instance type in a region; undefined when the table does not know it. */
export function hourlyPrice(table: PriceTable, region: string, instanceType: string): number | undefined {
  return table.prices[region]?.[instanceType];
}

/** GPU instance families (g*, p*, and the accelerator trn / inf families): the LOB's GPU limit applies. */
export function isGpuInstance(instanceType: string): boolean {
  return /^ml\.(g\d|p\d|trn\d|inf\d)/.test(instanceType);
}

/** Estimated cost of `seconds` on an instance type; undefined without a price. */
export function costOf(table: PriceTable, region: string, instanceType: string, seconds: number): number | undefined {
  const price = hourlyPrice(table, region, instanceType);
  return price === undefined ? undefined : (price * seconds) / 3600;
}

/** "$1.23" (two decimals; "–" when unknown). */
export function formatCost(amount: number | undefined, currency = 'USD'): string {
  if (amount === undefined) return '–';
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(amount);
}
