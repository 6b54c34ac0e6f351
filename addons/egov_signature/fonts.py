# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""The platform's serif font family in reportlab, for the PDFs it writes
(one-stop forms, document registers): the face that the signature stamps
use (:func:`pades.serif_font`) and its bold and italic styles beside it,
embedded in every PDF."""
import os
import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FAMILY = 'EgovSerif'
_lock = threading.Lock()
_faces = None


def _variant(path, style):
    """Return the path of the style (Bold, Italic or BoldItalic) of the
    regular face at path or None"""
    directory, name = os.path.split(path)
    stem, ext = os.path.splitext(name)
    if stem.endswith('-Regular'):
        stem = stem[:-len('-Regular')]
    for name in [stem + '-' + style,
            stem + '-' + style.replace('Italic', 'Oblique')]:
        candidate = os.path.join(directory, name + ext)
        if os.path.exists(candidate):
            return candidate


def serif_family():
    """Register once the font family and return its faces as a dict with
    the keys normal, bold, italic and boldItalic"""
    global _faces
    from .pades import serif_font
    with _lock:
        if _faces is None:
            regular = serif_font()
            faces = {'normal': FAMILY}
            pdfmetrics.registerFont(TTFont(FAMILY, regular))
            for key, style in [
                    ('bold', 'Bold'),
                    ('italic', 'Italic'),
                    ('boldItalic', 'BoldItalic')]:
                path = _variant(regular, style)
                if path:
                    faces[key] = '%s-%s' % (FAMILY, style)
                    pdfmetrics.registerFont(TTFont(faces[key], path))
                elif key == 'boldItalic':
                    faces[key] = faces['bold']
                else:
                    faces[key] = FAMILY
            pdfmetrics.registerFontFamily(FAMILY, **faces)
            _faces = faces
        return _faces
