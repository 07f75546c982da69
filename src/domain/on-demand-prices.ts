// Approximate on-demand list prices (USD per hour, Linux, us-east-1) for common instance
// types. On-demand is a fallback when spot is unavailable or too expensive; a type missing
// here is never launched on-demand, because without a price maxPrice cannot be enforced.
export const ON_DEMAND_USD_PER_HOUR: Readonly<Record<string, number>> = {
  't3.micro': 0.0104, 't3.small': 0.0208, 't3.medium': 0.0416, 't3.large': 0.0832, 't3.xlarge': 0.1664, 't3.2xlarge': 0.3328,
  'm5.large': 0.096, 'm5.xlarge': 0.192, 'm5.2xlarge': 0.384, 'm5.4xlarge': 0.768, 'm5.8xlarge': 1.536,
  'm6i.large': 0.096, 'm6i.xlarge': 0.192, 'm6i.2xlarge': 0.384, 'm6i.4xlarge': 0.768,
  'c5.large': 0.085, 'c5.xlarge': 0.17, 'c5.2xlarge': 0.34, 'c5.4xlarge': 0.68, 'c5.9xlarge': 1.53,
  'c6i.large': 0.085, 'c6i.xlarge': 0.17, 'c6i.2xlarge': 0.34, 'c6i.4xlarge': 0.68,
  'r5.large': 0.126, 'r5.xlarge': 0.252, 'r5.2xlarge': 0.504,
  'c3.xlarge': 0.21, 'c3.2xlarge': 0.42, 'm3.xlarge': 0.266, 'r3.xlarge': 0.333,
  'g4dn.xlarge': 0.526, 'g4dn.2xlarge': 0.752,
};
