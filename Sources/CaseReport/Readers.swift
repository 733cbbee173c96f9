// The case joins what the upload reader found; its callers get the upload's types with it.
@_exported import UploadArchive
