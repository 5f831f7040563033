import { requireRouteUser, routeError, routeFailure } from "@/server/api/route-helpers";
import { MAX_UPLOAD_BYTES, storeUpload } from "@/server/services/store-upload";

export const dynamic = "force-dynamic";

/** POST a CSV file as the raw body (x-filename header): stored for admin.codes.import. */
export async function POST(req: Request) {
  const auth = await requireRouteUser(req, "admin");
  if ("response" in auth) return auth.response;
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_UPLOAD_BYTES)
    return routeError(413, `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB.`);
  if (!req.body) return routeError(400, "Send the file as the request body.");
  try {
    const filename = decodeURIComponent(req.headers.get("x-filename") ?? "upload.csv");
    const stored = await storeUpload(req.body as unknown as AsyncIterable<Uint8Array>, {
      filename,
      userId: auth.user.id,
    });
    return Response.json(stored, { status: 201 });
  } catch (error) {
    return routeFailure(error);
  }
}
