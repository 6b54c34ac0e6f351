# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
from sql import Null
from sql.aggregate import Count
from sql.conditionals import Coalesce

from trytond.cache import Cache
from trytond.model import Index, fields
from trytond.modules.egov_procedure import eform
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class Procedure(metaclass=PoolMeta):
    __name__ = 'egov.procedure'

    _most_used_cache = Cache('egov.procedure.most_used', duration=3600)
    portal_search = fields.Char("Portal Search Text", readonly=True,
        help="Code, name and keywords without diacritics, for the "
        "portal's search.")
    portal_search.search_unaccented = False

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # A trigram index (PostgreSQL with pg_trgm) serves the
        # ILIKE '%word%' of the portal's search
        # (on COALESCE(column, ''), the expression Tryton searches)
        cls._sql_indexes.add(Index(
                t, (Coalesce(t.portal_search, ''), Index.Similarity())))

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id,
                where=table.portal_search == Null))
        ids = [i for i, in cursor]
        if ids:
            cls._update_portal_search(cls.browse(ids))

    def _portal_search(self):
        return eform.unaccent(' '.join(filter(None, [
                        self.code, self.name, self.keywords,
                        self.field.name if self.field else None])))

    @classmethod
    def _update_portal_search(cls, procedures):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for procedure in procedures:
            cursor.execute(*table.update(
                    [table.portal_search], [procedure._portal_search()],
                    where=table.id == procedure.id))

    @classmethod
    def create(cls, vlist):
        procedures = super().create(vlist)
        cls._update_portal_search(procedures)
        return procedures

    @classmethod
    def write(cls, *args):
        super().write(*args)
        names = {'code', 'name', 'keywords', 'field'}
        actions = iter(args)
        to_update = []
        for procedures, values in zip(actions, actions):
            if names & set(values):
                to_update.extend(procedures)
        cls._update_portal_search(cls.browse([p.id for p in to_update]))

    @classmethod
    def portal_text_domain(cls, text):
        "Domain of the procedures matching text, with or without diacritics"
        words = eform.unaccent(text or '').split()
        return [('portal_search', 'ilike', '%' + w + '%') for w in words[:8]]

    @classmethod
    def most_used(cls, limit=8):
        "The procedures with the most dossiers"
        pool = Pool()
        Dossier = pool.get('egov.dossier')
        # Counting every dossier at each visit of the home page is not
        # needed: the ranking moves slowly, an hour old is fine
        ids = cls._most_used_cache.get(limit)
        if ids is None:
            dossier = Dossier.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*dossier.select(dossier.procedure,
                    where=dossier.state != 'draft',
                    group_by=[dossier.procedure],
                    order_by=[Count(dossier.id).desc, dossier.procedure],
                    limit=limit * 2))
            ids = [i for i, in cursor]
            cls._most_used_cache.set(limit, ids)
        # Only the active procedures, in the order of the ranking
        active = {p.id: p for p in cls.search([('id', 'in', ids)])}
        procedures = [active[i] for i in ids if i in active][:limit]
        if len(procedures) < limit:
            procedures += cls.search([('id', 'not in', ids)],
                limit=limit - len(procedures))
        return procedures

    def portal_agencies(self):
        "The active agencies that receive the procedure's dossiers"
        pool = Pool()
        Company = pool.get('company.company')
        if self.agencies:
            return [a for a in self.agencies]
        levels = list(self.levels or [])
        if not levels:
            return []
        return sorted(Company.search([('level.code', 'in', levels)]),
            key=lambda c: c.rec_name)


class ProcedureField(metaclass=PoolMeta):
    __name__ = 'egov.procedure.field'

    @classmethod
    def write(cls, *args):
        super().write(*args)
        pool = Pool()
        Procedure = pool.get('egov.procedure')
        actions = iter(args)
        renamed = []
        for fields_, values in zip(actions, actions):
            if 'name' in values:
                renamed.extend(f.id for f in fields_)
        if renamed:
            # The field's name is part of the procedures' search text
            with Transaction().set_context(active_test=False):
                Procedure._update_portal_search(Procedure.search([
                            ('field', 'in', renamed)]))
