/** Every hostile case, by group. */
import { frameCases } from "./cases-frames";
import { stateCases } from "./cases-state";
import { unicodeCases } from "./cases-unicode";
import { upgradeCases } from "./cases-upgrade";
import type { HostileCase } from "./world";

export const caseList: HostileCase[] = [...upgradeCases, ...frameCases, ...unicodeCases, ...stateCases];
