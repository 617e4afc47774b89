export { ArchiveError, type ArchiveErrorCode } from "./errors.js";
export { JsonFileMapSchema, type JsonImport, JsonImportSchema, readJsonFileMap } from "./json-map.js";
export { type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS, readTarArchive, writeTarArchive } from "./tar.js";
