// ot.js ships no types; the tests use it only as the reference.
declare module "ot";
