#!/usr/bin/env -S npx tsx
/**
 * `npm run rules -- …`: the policy authors' commands of the rules lib (check, test, explain,
 * catalogue, bundle, schemas) plus `impact`, which replays the licensing service's decision log
 * and so needs its database: composed here, since the rules lib knows no database.
 */
import { rulesProgram, runRulesProgram } from '@acme/rules/cli';
import { impactCommand } from './rules-impact.js';

runRulesProgram(rulesProgram.addCommand(impactCommand()));
