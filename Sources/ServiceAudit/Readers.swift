// The service audit judges what the registry reader returns; its callers get the reader's types with it.
@_exported import RegistryHive
