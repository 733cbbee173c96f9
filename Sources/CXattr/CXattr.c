/* Header-only target; this file gives SwiftPM something to build. */
