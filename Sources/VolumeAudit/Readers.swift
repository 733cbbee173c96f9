// The volume audit judges what the disk-image, NTFS and ACL-export readers return; its callers get the
// readers' types with it.
@_exported import ACLExports
@_exported import DiskImage
@_exported import NTFS
