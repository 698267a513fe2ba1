// Imported first by a test that needs a cycle of several chunks from a few people: the draft's chunk size is
// read once, when draft-objects.ts loads, so it must be set before any module imports it.
process.env.ANSINH_PAYMENT_CHUNK = '3';
