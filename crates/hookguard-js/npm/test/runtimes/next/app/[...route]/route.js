// Every path and method of the runtime tests' receiver (next-route.mjs), run on each request.
export { GET, POST, PUT, PATCH, DELETE } from '../../../next-route.mjs';

export const dynamic = 'force-dynamic';
