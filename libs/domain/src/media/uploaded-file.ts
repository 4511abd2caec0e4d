/** The part of an uploaded file the domain needs (multer's memory-storage file has these fields). */
export interface UploadedMediaFile {
  buffer: Buffer;
  mimetype: string;
  originalname: string;
  size: number;
}
