// Name rules shared by the schema and by commands that must not load the schema (zod) to
// check a lab name.
/** Lab names become part of namespace and FRR pathspace names: no `_` (our separator), no dots. */
export const LAB_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/;
/** Node names become hostnames and namespace name parts. */
export const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
