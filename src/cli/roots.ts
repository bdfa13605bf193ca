/** Roots and paths tests inject through the environment (fake /proc, /sys, nvidia-smi): shared with the sampler. */
export { injectedRoots } from "../measure/roots.js";
