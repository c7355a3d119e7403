import contactCenter from '../../schema/data/contact-center.schema.json' with { type: 'json' };
import downgrade from '../../schema/data/downgrade.schema.json' with { type: 'json' };
import purchase from '../../schema/data/purchase.schema.json' with { type: 'json' };
import retention from '../../schema/data/retention.schema.json' with { type: 'json' };
import roles from '../../schema/data/roles.schema.json' with { type: 'json' };
import seatThresholds from '../../schema/data/seat-thresholds.schema.json' with { type: 'json' };

/**
 * The JSON Schema of every data file, by file name (`data/contact-center.json`: `contact-center`).
 * The service reads some of these values itself (retention days, seat thresholds), and rules compare with them,
 * so a data file without a schema, or one that does not match it, is refused like a broken rule.
 */
export const DATA_SCHEMAS: Readonly<Record<string, object>> = {
  'contact-center': contactCenter,
  downgrade,
  purchase,
  retention,
  roles,
  'seat-thresholds': seatThresholds,
};
